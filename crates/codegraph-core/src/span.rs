//! Where a node sits in its file: byte range plus line/column range.

/// Byte range and line/column range of a node. Lines are 1-based and
/// inclusive (as shown to users); columns are 0-based byte offsets in the line.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start_byte: u32,
    pub end_byte: u32,
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub fn contains(&self, other: &Span) -> bool {
        self.start_byte <= other.start_byte && other.end_byte <= self.end_byte
    }

    pub fn len_bytes(&self) -> u32 {
        self.end_byte.saturating_sub(self.start_byte)
    }

    /// Packs the line range into one `u64` (start line in the high half) for
    /// the compact in-memory representation; byte offsets live on disk only.
    pub fn packed_lines(&self) -> u64 {
        (u64::from(self.start_line) << 32) | u64::from(self.end_line)
    }

    pub fn unpack_lines(packed: u64) -> (u32, u32) {
        ((packed >> 32) as u32, packed as u32)
    }
}
