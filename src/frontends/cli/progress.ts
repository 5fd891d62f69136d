// Progress of a long replay on stderr: a line rewritten in place on a terminal, a line every
// few seconds otherwise (POSTLOG_PROGRESS_MS sets that interval, 0 for every step).
export type Progress = { update(position: number): void; done(): void };

export function progress(label: string, head: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const interval = tty ? 250 : Number(process.env.POSTLOG_PROGRESS_MS ?? 5000);
  const started = performance.now();
  let last = started;
  let shown = false;
  const line = (position: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? position / seconds : 0;
    const left = rate > 0 && head > position ? ` ~${Math.ceil((head - position) / rate)} s left` : '';
    const percent = head ? ` ${Math.floor((100 * Math.min(position, head)) / head)}%` : '';
    return `${label}: position ${position} / ${head}${percent}, ${Math.round(rate)} events/s${left}`;
  };
  return {
    update(position) {
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      shown = true;
      stream.write(tty ? `\r${line(position)}\x1b[K` : `${line(position)}\n`);
    },
    done() {
      if (shown && tty) stream.write('\n');
    },
  };
}
