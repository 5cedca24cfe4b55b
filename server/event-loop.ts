// The bench's view of the event loop (issue 16): with BENCH_EVENT_LOOP_FILE set, the
// server records its event-loop delay (perf_hooks' monitorEventLoopDelay) and, on
// SIGUSR2, writes the percentiles since the last signal to that file, then starts over.
// Not a route: nothing a visitor can reach, and off unless the bench turns it on.
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

export function reportEventLoopDelay(file: string | undefined): void {
  if (!file) return;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  process.on("SIGUSR2", () => {
    writeFileSync(
      file,
      JSON.stringify({
        samples: histogram.count,
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      }),
    );
    histogram.reset();
  });
}
