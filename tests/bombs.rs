//! Image bombs: small files whose headers declare vast pictures. Built by
//! hand, without the pixels, so a test can make them in a moment. Shared
//! by the unit tests of `service::evidence` (through `#[path]`) and the
//! integration tests.

/// A PNG declaring `width`×`height` 16-bit RGBA whose one IDAT inflates to
/// every row (all zeros): about 1 KB of deflate per MB of pixels, so a
/// 12000×12000 bomb is 1.1 MB and inflates to 1.15 GB.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    png_with(width, height, None)
}

/// Like [`png`], 8-bit RGBA, with an `acTL` declaring `frames` frames and
/// an `fcTL` making the default image the first of them (an APNG).
pub fn apng(width: u32, height: u32, frames: u32) -> Vec<u8> {
    png_with(width, height, Some(frames))
}

fn png_with(width: u32, height: u32, frames: Option<u32>) -> Vec<u8> {
    let (depth, bytes_per_px) = if frames.is_some() { (8, 4) } else { (16, 8) };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, 6, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    if let Some(frames) = frames {
        let mut actl = frames.to_be_bytes().to_vec();
        actl.extend(0u32.to_be_bytes());
        png_chunk(&mut out, b"acTL", &actl);
        let mut fctl = 0u32.to_be_bytes().to_vec();
        fctl.extend(width.to_be_bytes());
        fctl.extend(height.to_be_bytes());
        fctl.extend([0; 8]);
        fctl.extend([0, 1, 0, 100, 0, 0]);
        png_chunk(&mut out, b"fcTL", &fctl);
    }
    let total = u64::from(height) * (1 + u64::from(width) * bytes_per_px);
    png_chunk(&mut out, b"IDAT", &zlib_zeros(total));
    png_chunk(&mut out, b"IEND", &[]);
    out
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Bits, least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// `count` bits of `value`, least significant first (header fields).
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: its most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.put(reversed, len);
    }
}

/// A zlib stream of `n` zero bytes: one dynamic-Huffman block in which a
/// 258-byte match at distance 1 costs 2 bits.
fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut bits = Bits { out: vec![0x78, 0x01], acc: 0, n: 0 };
    bits.put(1, 1); // last block
    bits.put(2, 2); // dynamic Huffman
    bits.put(286 - 257, 5); // HLIT
    bits.put(2 - 1, 5); // HDIST
    bits.put(18 - 4, 4); // HCLEN
    // Code-length code lengths in their order (16 17 18 0 8 7 9 6 10 5 11
    // 4 12 3 13 2 14 1): symbol 18 one bit, symbols 1 and 2 two bits.
    for len in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        bits.put(len, 3);
    }
    // Canonical codes: 18 → 0, 1 → 10, 2 → 11.
    let (one, two, zeros) = ((0b10, 2), (0b11, 2), (0b0, 1));
    // Literal/length lengths: 0 → 2, 1..=255 → 0, 256 → 2, 257..=284 → 0,
    // 285 → 1; then the distance lengths: 0 → 1, 1 → 1.
    bits.code(two.0, two.1);
    bits.code(zeros.0, zeros.1);
    bits.put(138 - 11, 7);
    bits.code(zeros.0, zeros.1);
    bits.put(117 - 11, 7);
    bits.code(two.0, two.1);
    bits.code(zeros.0, zeros.1);
    bits.put(28 - 11, 7);
    for _ in 0..3 {
        bits.code(one.0, one.1);
    }
    // Literal 0 → 10, end of block → 11, length 258 → 0; distance 1 → 0.
    bits.code(0b10, 2);
    let rest = n - 1;
    for _ in 0..rest / 258 {
        bits.code(0, 1);
        bits.code(0, 1);
    }
    for _ in 0..rest % 258 {
        bits.code(0b10, 2);
    }
    bits.code(0b11, 2);
    bits.put(0, 7);
    let mut out = bits.out;
    // Adler-32 of zeros: a stays 1, b adds it once a byte.
    let adler = (((n % 65521) as u32) << 16) | 1;
    out.extend(adler.to_be_bytes());
    out
}

/// A baseline grayscale JPEG whose frame header declares `width`×`height`.
pub fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, data: &[u8]| {
        out.extend([0xFF, marker]);
        out.extend(((data.len() + 2) as u16).to_be_bytes());
        out.extend(data);
    };
    segment(0xDB, &[[0u8].as_slice(), &[1; 64]].concat());
    let mut sof = vec![8];
    sof.extend(height.to_be_bytes());
    sof.extend(width.to_be_bytes());
    sof.extend([1, 1, 0x11, 0]);
    segment(0xC0, &sof);
    let mut counts = [0u8; 16];
    counts[0] = 1;
    segment(0xC4, &[[0x00].as_slice(), &counts, &[0]].concat());
    segment(0xC4, &[[0x10].as_slice(), &counts, &[0]].concat());
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0]);
    out.extend([0u8; 4096]);
    out.extend([0xFF, 0xD9]);
    out
}

fn riff(chunks: &[u8]) -> Vec<u8> {
    let mut out = b"RIFF".to_vec();
    out.extend(((chunks.len() + 4) as u32).to_le_bytes());
    out.extend(b"WEBP");
    out.extend(chunks);
    out
}

fn webp_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_vec();
    out.extend((data.len() as u32).to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A lossless bitstream's header for `width`×`height` (at most 16384 each)
/// and some bytes that follow it.
fn vp8l(width: u32, height: u32) -> Vec<u8> {
    let header = (width - 1) | ((height - 1) << 14) | (1 << 28);
    let mut data = vec![0x2F];
    data.extend(header.to_le_bytes());
    data.extend([0u8; 64]);
    webp_chunk(b"VP8L", &data)
}

/// A lossless WebP declaring `width`×`height` (at most 16384 each).
pub fn webp(width: u32, height: u32) -> Vec<u8> {
    riff(&vp8l(width, height))
}

fn u24(n: u32) -> [u8; 3] {
    let b = n.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// An animated WebP: a `width`×`height` canvas (VP8X) and `frames` tiny
/// frames.
pub fn animated_webp(width: u32, height: u32, frames: u32) -> Vec<u8> {
    let mut vp8x = vec![0x12, 0, 0, 0];
    vp8x.extend(u24(width - 1));
    vp8x.extend(u24(height - 1));
    let mut chunks = webp_chunk(b"VP8X", &vp8x);
    chunks.extend(webp_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]));
    for _ in 0..frames {
        let mut anmf = Vec::new();
        anmf.extend(u24(0));
        anmf.extend(u24(0));
        anmf.extend(u24(0));
        anmf.extend(u24(0));
        anmf.extend(u24(100));
        anmf.push(0);
        anmf.extend(vp8l(1, 1));
        chunks.extend(webp_chunk(b"ANMF", &anmf));
    }
    riff(&chunks)
}

/// An extended WebP with a `width`×`height` canvas whose lossy bitstream
/// (at the top, or in the first frame when `animated`) declares 16383².
pub fn webp_lossy_inside(width: u32, height: u32, animated: bool) -> Vec<u8> {
    let mut vp8 = vec![0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a];
    vp8.extend(16_383u16.to_le_bytes());
    vp8.extend(16_383u16.to_le_bytes());
    vp8.extend([0u8; 64]);
    let bitstream = webp_chunk(b"VP8 ", &vp8);
    let mut vp8x = vec![if animated { 0x02 } else { 0 }, 0, 0, 0];
    vp8x.extend(u24(width - 1));
    vp8x.extend(u24(height - 1));
    let mut chunks = webp_chunk(b"VP8X", &vp8x);
    if animated {
        chunks.extend(webp_chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]));
        let mut anmf = Vec::new();
        for n in [0, 0, width - 1, height - 1, 100] {
            anmf.extend(u24(n));
        }
        anmf.push(0);
        anmf.extend(bitstream);
        chunks.extend(webp_chunk(b"ANMF", &anmf));
    } else {
        chunks.extend(bitstream);
    }
    riff(&chunks)
}
