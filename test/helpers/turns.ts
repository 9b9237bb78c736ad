// How many turns the event loop takes while some work runs: a request that yields between
// slices lets a probe scheduled with setImmediate run again and again; one that blocks, once.

/** Runs `work` while counting the turns the event loop takes meanwhile. */
export async function counting<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let probing = true;
  const probe = () => {
    if (!probing) return;
    turns++;
    setImmediate(probe);
  };
  setImmediate(probe);
  try {
    return { value: await work(), turns };
  } finally {
    probing = false;
  }
}
