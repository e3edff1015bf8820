/**
 * Preload (`node -r dist/bench/rss-probe.js ...`) used when /usr/bin/time is unavailable: at exit,
 * writes this process's peak RSS in KB (process.resourceUsage().maxRSS) to $ROOTWATCH_BENCH_RSS_FILE.
 */
import * as fs from 'fs';

const file = process.env.ROOTWATCH_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // the parent reports the missing figure
    }
  });
}
