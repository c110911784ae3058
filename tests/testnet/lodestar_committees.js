// Runs the built Lodestar 2019 computeCommittee (with our memoising patch) on cases from
// test_lodestar_committees.py: argv[2] = the Lodestar tree, stdin = JSON cases; prints JSON.
const root = process.argv[2];
const {computeCommittee} = require(root + '/packages/lodestar/lib/chain/stateTransition/util/committee.js');
const {config} = require(root + '/packages/eth2.0-config/lib/presets/minimal.js');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map((c) => {
  const committee = computeCommittee(config, c.indices, Buffer.from(c.seed, 'hex'), c.index, c.count);
  const copy = committee.slice();
  committee.push(-1);   // a caller changing its result must not change the next caller's
  return copy;
});
process.stdout.write(JSON.stringify(out));
