// tests/hdr_compare.js SAMPLES LOWEST HIGHEST DIGITS TICKS: the reference side of test_llstat's
// cross-check. Records the samples (little-endian float64 integers) into hdr-histogram-js with the same
// range and digits and prints what the C side compares against:
//   - the CSV percentile distribution (outputPercentileDistribution(TICKS, 1, true));
//   - the footer lines of the text form ("#[Mean ...", "#[Max ...", "#[Buckets ...");
//   - "#P <percentile> <getValueAtPercentile>" for each percentile in PCTS below.
// The module is found through NODE_PATH (the test points it at build/node/node_modules).
'use strict';
const fs = require('fs');
let hdr;
try {
    hdr = require('hdr-histogram-js');
} catch (e) {
    console.log('#MISSING hdr-histogram-js');
    process.exit(3);
}
const [file, lowest, highest, digits, ticks] = process.argv.slice(2);
const buf = fs.readFileSync(file);
const samples = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
const h = hdr.build({
    lowestDiscernibleValue: Number(lowest),
    highestTrackableValue: Number(highest),
    numberOfSignificantValueDigits: Number(digits),
    bitBucketSize: 64,
    autoResize: false,
    useWebAssembly: false,
});
for (let i = 0; i < samples.length; i++) h.recordValue(samples[i]);
process.stdout.write(h.outputPercentileDistribution(Number(ticks), 1, true));
for (const line of h.outputPercentileDistribution(Number(ticks), 1, false).split('\n')) {
    if (line.startsWith('#[')) process.stdout.write(line + '\n');
}
const PCTS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 99.9999, 100];
for (const p of PCTS) process.stdout.write('#P ' + p + ' ' + h.getValueAtPercentile(p) + '\n');
