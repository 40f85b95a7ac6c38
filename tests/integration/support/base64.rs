// Standard base64 decoding for moto's request log (bodies are stored encoded); tests only.

/// Decode standard base64 (with or without padding); `None` on a character outside the alphabet.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[test]
fn decodes_padded_and_unpadded() {
    assert_eq!(
        decode("QWN0aW9uPUxpc3Q=").as_deref(),
        Some(&b"Action=List"[..])
    );
    assert_eq!(decode("YWJj").as_deref(), Some(&b"abc"[..]));
}
