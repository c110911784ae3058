// Runs the built Lodestar 2019 BLS (with our speed patch) on cases from
// test_lodestar_bls.py: argv[2] = packages/bls, stdin = JSON cases; prints JSON results.
const bls = require(process.argv[2] + '/lib/index.js').default;
const hex = (s) => Buffer.from(s, 'hex');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map((c) => {
  if (c.op === 'sign') return bls.sign(hex(c.sk), hex(c.msg), hex(c.domain)).toString('hex');
  if (c.op === 'verify') return bls.verify(hex(c.pks[0]), hex(c.msgs[0]), hex(c.sig), hex(c.domain));
  return bls.verifyMultiple(c.pks.map(hex), c.msgs.map(hex), hex(c.sig), hex(c.domain));
});
process.stdout.write(JSON.stringify(out));
