// A bittorrent-dht node on loopback, driven by the BitDust interop test: one JSON command per stdin line,
// one JSON answer per stdout line. Values, keys and targets travel as hex.
import crypto from 'node:crypto'
import readline from 'node:readline'
import DHT from 'bittorrent-dht'

// DER prefix of an ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function verify (signature, message, publicKey) {
  const key = crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
  return crypto.verify(null, message, key, signature)
}

const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519')
const rawPublicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length)

const dht = new DHT({ bootstrap: false, verify })
const send = (answer) => process.stdout.write(JSON.stringify(answer) + '\n')
const hex = (value) => Buffer.from(value, 'hex')

const commands = {
  addNode: (c, done) => { dht.addNode({ host: c.host, port: c.port }); done({ ok: true }) },
  putImmutable: (c, done) => dht.put({ v: hex(c.value) }, (err, hash, n) =>
    done(err ? { error: String(err) } : { target: hash.toString('hex'), copies: n })),
  putMutable: (c, done) => dht.put({
    k: rawPublicKey,
    seq: c.seq,
    v: hex(c.value),
    salt: c.salt ? hex(c.salt) : undefined,
    sign: (buf) => crypto.sign(null, buf, privateKey)
  }, (err, hash, n) => done(err ? { error: String(err) } : { target: hash.toString('hex'), publicKey: rawPublicKey.toString('hex'), copies: n })),
  get: (c, done) => dht.get(hex(c.target), { cache: false, salt: c.salt ? hex(c.salt) : undefined }, (err, res) =>
    done(err ? { error: String(err) } : res ? { value: Buffer.from(res.v).toString('hex'), seq: res.seq ?? null } : { value: null })),
  nodes: (c, done) => done({ count: dht.toJSON().nodes.length })
}

dht.on('error', (err) => send({ event: 'error', error: String(err) }))
dht.listen(0, '127.0.0.1', () => {
  send({ event: 'ready', port: dht.address().port, id: dht.nodeId.toString('hex') })
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const command = JSON.parse(line)
    const handler = commands[command.cmd]
    if (!handler) return send({ error: `unknown command ${command.cmd}` })
    handler(command, send)
  })
})
process.stdin.on('end', () => dht.destroy(() => process.exit(0)))
