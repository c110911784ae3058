// A js-libp2p 3.x node that dials our Python host over Noise + mplex, performs a
// /eth2/beacon_chain/req/status/1/ssz request, decodes the answer, and waits for one
// gossip message on /eth2/beacon_block/ssz. Usage: node client.mjs <multiaddr>
if (typeof Promise.withResolvers !== 'function') {   // Node 20 lacks it; libp2p 3 needs it
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { mplex } = await import('@libp2p/mplex')
const { identify } = await import('@libp2p/identify')
const { gossipsub } = await import('@libp2p/gossipsub')
const { multiaddr } = await import('@multiformats/multiaddr')

const STATUS = '/eth2/beacon_chain/req/status/1/ssz'
const TOPIC = '/eth2/beacon_block/ssz'
const target = multiaddr(process.argv[2])
const fail = (msg) => { console.error('FAIL', msg); process.exit(1) }
setTimeout(() => fail('timed out'), 60000).unref()

const node = await createLibp2p({
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [mplex()],
  services: {
    identify: identify(),
    pubsub: gossipsub({ protocols: ['/meshsub/1.0.0'], allowPublishToZeroTopicPeers: true,
                        globalSignaturePolicy: 'StrictSign' })
  }
})
await node.start()

const gossip = new Promise((resolve) => {
  node.services.pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic === TOPIC) resolve(evt.detail.data)
  })
})
node.services.pubsub.subscribe(TOPIC)

await node.dial(target)
console.log('connected over', 'noise+mplex')

// --- status request: varint(84) ++ Status, then half-close --------------------------
const status = new Uint8Array(84)        // fork 00000000, zero roots, epoch 0, slot 0
const stream = await node.dialProtocol(target, STATUS)
stream.send(Uint8Array.from([84, ...status]))
await stream.close()                      // close for writing: the half-close
const parts = []
for await (const chunk of stream) parts.push(chunk.subarray ? chunk.subarray() : chunk)
const resp = Buffer.concat(parts.map((p) => Buffer.from(p)))
if (resp.length !== 1 + 1 + 84) fail(`status response of ${resp.length} bytes`)
if (resp[0] !== 0) fail(`result code ${resp[0]}`)
if (resp[1] !== 84) fail(`length prefix ${resp[1]}`)
const body = resp.subarray(2)
const view = new DataView(body.buffer, body.byteOffset, body.byteLength)
console.log('STATUS', JSON.stringify({
  head_fork_version: body.subarray(0, 4).toString('hex'),
  finalized_root: body.subarray(4, 36).toString('hex'),
  finalized_epoch: Number(view.getBigUint64(36, true)),
  head_root: body.subarray(44, 76).toString('hex'),
  head_slot: Number(view.getBigUint64(76, true))
}))

const data = await gossip
console.log('GOSSIP', TOPIC, data.length, 'bytes')
await node.stop()
process.exit(0)
