// Group commit: work that arrives while a group is being committed waits and goes in the next
// group, all of it at once. One caller alone is committed at once (no added latency); under load
// the groups grow, so a database that runs one statement at a time (PGlite) or a wallet row that
// every send locks (PostgreSQL) is paid for once per group instead of once per caller.

export type GroupCommit<J, R> = { submit(job: J): Promise<R>; /** groups committed, jobs in them, the largest group */ stats(): { groups: number; jobs: number; largest: number } };

/** `commit` answers every job of the group, in order, with its result or its error. */
/** Answers that are Error instances reject their caller; every other answer resolves it. */
export function createGroupCommit<J, R>(commit: (jobs: J[]) => Promise<Array<R | Error>>, opts: { maxGroup: number }): GroupCommit<J, R> {
  type Waiting = { job: J; resolve: (r: R) => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  let running = false;
  const counts = { groups: 0, jobs: 0, largest: 0 };

  async function drain() {
    running = true;
    while (queue.length) {
      // One turn of the event loop first: requests already read from their sockets reach the
      // queue and join this group. A database that runs in this thread (PGlite) finishes a
      // whole transaction without letting the loop poll, so without the turn every group
      // would hold just the one caller that started it.
      await new Promise((r) => setImmediate(r));
      const group = queue.slice(0, opts.maxGroup);
      queue = queue.slice(group.length);
      counts.groups++;
      counts.jobs += group.length;
      counts.largest = Math.max(counts.largest, group.length);
      try {
        const results = await commit(group.map((w) => w.job));
        group.forEach((w, i) => (results[i] instanceof Error ? w.reject(results[i]) : w.resolve(results[i] as R)));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    running = false;
  }

  return {
    stats: () => ({ ...counts }),
    submit(job) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
