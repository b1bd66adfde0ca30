//! BERT's uncased WordPiece, with code identifiers split first
//! (`retryFailedRequest` → `retry failed request`, `parse_cfg2` →
//! `parse cfg 2`), so code and prose land on the same vocabulary.

use std::collections::HashMap;

pub struct WordPiece {
    ids: HashMap<Box<str>, u32>,
    unk: u32,
    /// Split identifiers first (the default); off, the text is tokenized
    /// as BERT does (`_` is punctuation, `parseConfig` one word).
    pub split_identifiers: bool,
}

/// Longest word WordPiece tries to split; longer ones become `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

impl WordPiece {
    pub fn new<'a>(vocab: impl IntoIterator<Item = &'a str>) -> WordPiece {
        let ids: HashMap<Box<str>, u32> = vocab
            .into_iter()
            .enumerate()
            .map(|(i, t)| (Box::from(t), i as u32))
            .collect();
        let unk = ids.get("[UNK]").copied().unwrap_or(0);
        WordPiece {
            ids,
            unk,
            split_identifiers: true,
        }
    }

    /// Appends the token ids of `text` to `out` (no `[CLS]`/`[SEP]`), at
    /// most `max_tokens` in all.
    pub fn tokenize(&self, text: &str, max_tokens: usize, out: &mut Vec<u32>) {
        let mut word = String::new();
        let mut piece = String::new();
        let mut prev: Option<char> = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if out.len() >= max_tokens {
                // A word's pieces may have gone past the limit: cut below.
                break;
            }
            let next = chars.peek().copied();
            if c.is_alphanumeric() {
                let boundary = self.split_identifiers
                    && prev.is_some_and(|p| {
                        p.is_alphanumeric()
                            && ((p.is_lowercase() && c.is_uppercase())
                                || (p.is_ascii_digit() != c.is_ascii_digit())
                                || (p.is_uppercase()
                                    && c.is_uppercase()
                                    && next.is_some_and(char::is_lowercase)))
                    });
                if boundary {
                    self.word(&word, &mut piece, out);
                    word.clear();
                }
                word.extend(c.to_lowercase());
            } else {
                self.word(&word, &mut piece, out);
                word.clear();
                if !c.is_whitespace() && (c != '_' || !self.split_identifiers) {
                    // Punctuation is its own token in BERT.
                    let mut buf = [0u8; 4];
                    if let Some(&id) = self.ids.get(c.encode_utf8(&mut buf) as &str) {
                        out.push(id);
                    }
                }
            }
            prev = Some(c);
        }
        self.word(&word, &mut piece, out);
        out.truncate(max_tokens);
    }

    fn word(&self, word: &str, piece: &mut String, out: &mut Vec<u32>) {
        if word.is_empty() {
            return;
        }
        if let Some(&id) = self.ids.get(word) {
            out.push(id);
            return;
        }
        if word.chars().count() > MAX_WORD_CHARS {
            out.push(self.unk);
            return;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let mut found = None;
            while start < end {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.ids.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                // Step back one character, not one byte.
                end = word[..end]
                    .char_indices()
                    .next_back()
                    .map_or(start, |(i, _)| i);
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str) -> Vec<String> {
        let vocab = [
            "[PAD]", "[UNK]", "retry", "failed", "request", "parse", "con", "##fig", "2", "(", ")",
            ".", "http",
        ];
        let wp = WordPiece::new(vocab);
        let mut ids = Vec::new();
        wp.tokenize(text, 64, &mut ids);
        ids.iter().map(|&i| vocab[i as usize].to_string()).collect()
    }

    #[test]
    fn splits_identifiers_then_word_pieces() {
        assert_eq!(tok("retryFailedRequest"), ["retry", "failed", "request"]);
        assert_eq!(
            tok("parse_config2()"),
            ["parse", "con", "##fig", "2", "(", ")"]
        );
        assert_eq!(tok("HTTPRequest.retry"), ["http", "request", ".", "retry"]);
        assert_eq!(tok("zzz retry"), ["[UNK]", "retry"]);
        assert_eq!(tok(""), Vec::<String>::new());
    }

    #[test]
    fn plain_bert_tokens_keep_identifiers_whole() {
        let vocab = ["[UNK]", "retry", "_", "failed", "##request", "retryfailed"];
        let mut wp = WordPiece::new(vocab);
        wp.split_identifiers = false;
        let mut ids = Vec::new();
        wp.tokenize("retry_failed retryFailed", 64, &mut ids);
        let got: Vec<&str> = ids.iter().map(|&i| vocab[i as usize]).collect();
        assert_eq!(got, ["retry", "_", "failed", "retryfailed"]);
    }

    #[test]
    fn stops_at_the_token_limit() {
        let vocab = ["[UNK]", "a"];
        let wp = WordPiece::new(vocab);
        let mut ids = Vec::new();
        wp.tokenize(&"a ".repeat(100), 10, &mut ids);
        assert_eq!(ids.len(), 10);
        // Words of several pieces do not overshoot it either.
        let vocab = ["[UNK]", "con", "##fig"];
        let wp = WordPiece::new(vocab);
        for limit in [1, 2, 3, 9] {
            let mut ids = Vec::new();
            wp.tokenize(&"config ".repeat(20), limit, &mut ids);
            assert_eq!(ids.len(), limit);
        }
    }
}
