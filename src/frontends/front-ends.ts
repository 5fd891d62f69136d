// Registers every protocol front-end with the server (each protocol adds one import here).
import { FRONT_ENDS } from './server.ts';
import { smtpFrontEnd } from './smtp/front-end.ts';
import { pop3FrontEnd } from './pop3/front-end.ts';
import { ldapFrontEnd } from './ldap/front-end.ts';
import { imapFrontEnd } from './imap/front-end.ts';
import { relayFrontEnd } from './relay/front-end.ts';

FRONT_ENDS.push(smtpFrontEnd);
FRONT_ENDS.push(pop3FrontEnd);
FRONT_ENDS.push(ldapFrontEnd);
FRONT_ENDS.push(imapFrontEnd);
// no listeners: the worker that delivers the outbound queue
FRONT_ENDS.push(relayFrontEnd);
