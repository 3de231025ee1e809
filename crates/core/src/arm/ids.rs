//! Ids that are made up deterministically from a text, so settling a workspace twice or on two
//! machines gives the same answer.

/// FNV-1a, 64 bits, of a text (not cryptographic).
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A GUID-shaped id (version 4 layout) made from a text, e.g. for a system-assigned identity.
pub fn guid_for(text: &str) -> String {
    let a = fnv1a(text);
    let b = fnv1a(&format!("{text}#"));
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_and_guid_shaped() {
        let id = guid_for("/subscriptions/s/computes/cpu-cluster");
        assert_eq!(id, guid_for("/subscriptions/s/computes/cpu-cluster"));
        assert_ne!(id, guid_for("/subscriptions/s/computes/other"));
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
    }
}
