package bot

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unsafe"
)

// msgCipher is the safe-mode message crypto of the SDK's util.DecryptMsg
// and util.AESEncryptMsg (AES-256-CBC under the EncodingAESKey, IV its
// first 16 bytes, PKCS#7 padding to 32 bytes; plaintext = random(16) +
// length(4, big-endian) + message + AppID) with the AES cipher made once
// instead of per message, and no copy the work does not need: the SDK
// decodes the key, expands it and allocates the plaintext apart for every
// push and every reply, 15% of the bytes the bot allocated per 帮助 over a
// real Redis. TestMsgCipherIsTheSDKs and FuzzMsgCipherOpen compare the two
// byte for byte, error for error; the published vectors (TestCryptoVectors)
// go through both.
type msgCipher struct {
	block cipher.Block // safe for concurrent use: CBC keeps its state apart
	iv    []byte
	appID string
	// encs and decs keep CBC modes of block for reuse, their IV set back
	// to iv before each use: a new one copies the expanded key (about
	// 500 bytes), twice a message.
	encs, decs sync.Pool
}

// ivSetter is what the standard library's CBC modes offer to be reused.
type ivSetter interface{ SetIV([]byte) }

// crypt runs CryptBlocks(b, b) of a CBC mode from pool (made by mk when
// the pool has none) starting from c.iv.
func (c *msgCipher) crypt(pool *sync.Pool, mk func(cipher.Block, []byte) cipher.BlockMode, b []byte) {
	m, _ := pool.Get().(cipher.BlockMode)
	if m == nil {
		m = mk(c.block, c.iv)
	} else {
		m.(ivSetter).SetIV(c.iv)
	}
	m.CryptBlocks(b, b)
	if _, ok := m.(ivSetter); ok {
		pool.Put(m)
	}
}

// msgBlock is the PKCS#7 block size WeChat pads to (twice AES's).
const msgBlock = 32

// newMsgCipher returns the cipher of key (replyKey) for appID; nil when
// key is nil.
func newMsgCipher(key []byte, appID string) *msgCipher {
	if key == nil {
		return nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil // not reached: replyKey returns 32 bytes or nil
	}
	return &msgCipher{block: block, iv: key[:aes.BlockSize], appID: appID}
}

var errNoKey = errors.New("wechat.encoding_aes_key is not 43 characters of base64 for a 32-byte key")

// open decrypts a push's Encrypt and returns its random and message, as
// util.DecryptMsg does, checking the AppID. Both share one buffer: *buf's
// array, grown when it is short (*buf then holds the grown one), or a new
// one when buf is nil.
func (c *msgCipher) open(buf *[]byte, encrypt string) (random, raw []byte, err error) {
	if c == nil {
		return nil, nil, errNoKey
	}
	// Decode reads encrypt where it lies and keeps none of it.
	src := unsafe.Slice(unsafe.StringData(encrypt), len(encrypt))
	if buf == nil {
		buf = new([]byte)
	}
	size := base64.StdEncoding.DecodedLen(len(encrypt))
	*buf = slices.Grow((*buf)[:0], size)
	n, err := base64.StdEncoding.Decode((*buf)[:size], src)
	if err != nil {
		return nil, nil, err
	}
	text := (*buf)[:n]
	if len(text) < msgBlock || len(text)%msgBlock != 0 {
		return nil, nil, fmt.Errorf("ciphertext of %d bytes", len(text))
	}
	c.crypt(&c.decs, cipher.NewCBCDecrypter, text)
	pad := int(text[len(text)-1])
	if pad < 1 || pad > msgBlock {
		return nil, nil, fmt.Errorf("padding of %d bytes", pad)
	}
	text = text[:len(text)-pad]
	if len(text) <= 20 {
		return nil, nil, fmt.Errorf("plaintext of %d bytes", len(text))
	}
	end := 20 + uint64(binary.BigEndian.Uint32(text[16:20]))
	if uint64(len(text)) <= end {
		return nil, nil, fmt.Errorf("message length %d past the plaintext", end-20)
	}
	if string(text[end:]) != c.appID {
		return nil, nil, errors.New("the push's AppID is not wechat.app_id")
	}
	return text[:16:20], text[20:end:end], nil
}

// sealAppend encrypts the message that b holds after its first 20 bytes
// (left for the random and the length) under random, as
// util.AESEncryptMsg does: the message is written once, where it is
// encrypted. It returns the ciphertext, in b's array when it had room.
func (c *msgCipher) sealAppend(b, random []byte) []byte {
	copy(b[:16], random)
	binary.BigEndian.PutUint32(b[16:20], uint32(len(b)-20))
	b = append(b, c.appID...)
	pad := msgBlock - len(b)%msgBlock
	for range pad {
		b = append(b, byte(pad))
	}
	c.crypt(&c.encs, cipher.NewCBCEncrypter, b)
	return b
}
