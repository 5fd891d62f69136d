import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { libraryLogger, redactAuth } from './logger.ts';

describe('smtp logger', () => {
  it('hides what follows the mechanism of an AUTH line', () => {
    assert.equal(redactAuth('AUTH PLAIN AGFsaWNlAHNlY3JldA=='), 'AUTH PLAIN [redacted]');
    assert.equal(redactAuth('auth login YWxpY2U='), 'auth login [redacted]');
    assert.equal(redactAuth('AUTH LOGIN'), 'AUTH LOGIN');
    assert.equal(redactAuth('MAIL FROM:<a@b>'), 'MAIL FROM:<a@b>');
  });

  it('writes the library lines through pino without the credentials', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const log = libraryLogger(pino({ level: 'debug' }, sink));
    log.debug({ tnx: 'command', cid: 'c1', password: 'secret' }, 'C:', 'AUTH PLAIN AGFsaWNlAHNlY3JldA==');
    log.info('Connection from %s', '[192.0.2.1]');
    log.trace({ tnx: 'x' }, 'not written at debug');
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0]!);
    assert.equal(first.msg, 'C: AUTH PLAIN [redacted]');
    assert.equal(first.cid, 'c1');
    assert.equal(first.password, undefined);
    assert.equal(JSON.parse(lines[1]!).msg, 'Connection from [192.0.2.1]');
  });
});
