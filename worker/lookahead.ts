// One shard of lookahead for the passes that read shards: a shard's files are handed to the kernel's readahead
// (posix_fadvise WILLNEED on a native thread) when the shard arrives, and the shard is processed when the NEXT one
// arrives (or at the end of the bundle). The disk reads of shard i+1 then overlap the compute on shard i, which
// matters once the data no longer fits the page cache. Beam hands a bundle's shards one at a time in no
// particular order (they pass a reshuffle), so the worker cannot look further than the element it holds.
import { nativeWillNeed } from "../linalg/native";
import type { ShardDesc } from "../shards/shard";

const localPaths = (shard: ShardDesc): string[] => {
  const all = shard.x.concat(shard.y ?? []).map((s) => s.path);
  return Array.from(new Set(all)).filter((p) => !p.startsWith("gs://"));
};

class ShardLookahead {
  private pending?: ShardDesc;

  constructor(private readonly process: (shard: ShardDesc) => void) {}

  push(shard: ShardDesc): void {
    nativeWillNeed(localPaths(shard));
    const prev = this.pending;
    this.pending = shard;
    if (prev !== undefined) this.process(prev);
  }

  /** Processes the shard still held; call once at the end of the bundle. */
  flush(): void {
    const prev = this.pending;
    this.pending = undefined;
    if (prev !== undefined) this.process(prev);
  }
}

export { ShardLookahead };
