package sim

import (
	"encoding/binary"

	"github.com/comanda/comanda/shm"
)

// InitData writes the empty restaurant into a fresh data region, as the
// original did when it created its segment: no orders, every count 0.
func InitData(cfg *Config, region []byte) {
	empty := shm.Board{}
	frame := shm.AppendFrame(nil, shm.AppendBoardJSON(nil, &empty))
	switch cfg.Protocol {
	case ProtoSeed:
		copy(region, frame)
	case ProtoShadow:
		copy(region[shm.ShadowCopyOffset(0):], frame)
		shm.ShadowFlip(region, 0)
	case ProtoRing:
		clear(region)
		binary.LittleEndian.PutUint32(region[shm.RingSlots:], uint32(cfg.Capacity+1))
	}
}
