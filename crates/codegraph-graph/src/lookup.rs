//! Name lookup: exact and prefix scans of the `names` index, and subword
//! fuzzy matching (`parse_cfg` → `parse_config`) over the `tokens` index.
//! Every scan is bounded, so a common prefix cannot make a lookup slow.

use codegraph_core::{split_identifier, NodeId};

use crate::keys;
use crate::store::{Store, StoreError, CF_NAMES, CF_TOKENS};

/// Most index entries one fuzzy lookup reads.
const FUZZY_SCAN_LIMIT: usize = 200_000;
/// Most index entries one suggestion scan reads.
const SUGGEST_SCAN_LIMIT: usize = 50_000;

/// A name-index hit: the indexed text (lower-case for exact and prefix
/// matches, as written for fuzzy ones) and how well it matched.
#[derive(Clone, PartialEq, Debug)]
pub struct NameMatch {
    pub id: NodeId,
    pub text: String,
    /// 1.0 for an exact match, lower for prefix and fuzzy matches.
    pub score: f32,
}

impl Store {
    /// Nodes whose name or qualified name is `name` (case-insensitive).
    pub fn find_exact(&self, name: &str, limit: usize) -> Result<Vec<NameMatch>, StoreError> {
        let lower = name.to_lowercase();
        self.scan_names(&keys::name_exact_prefix(&lower), limit, |text| {
            (text == lower).then_some(1.0)
        })
    }

    /// Nodes whose name or qualified name starts with `prefix`; shorter
    /// names (closer to what was typed) score higher.
    pub fn find_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<NameMatch>, StoreError> {
        let lower = prefix.to_lowercase();
        self.scan_names(lower.as_bytes(), limit, |text| {
            Some(0.5 + 0.4 * lower.len() as f32 / text.len().max(1) as f32)
        })
    }

    fn scan_names(
        &self,
        prefix: &[u8],
        limit: usize,
        score: impl Fn(&str) -> Option<f32>,
    ) -> Result<Vec<NameMatch>, StoreError> {
        let mut hits = Vec::new();
        for item in self.prefix_iter(CF_NAMES, prefix)? {
            let (key, _) = item.map_err(|e| self.db_err(e))?;
            let (text, id) =
                keys::decode_name_key(&key).ok_or_else(|| self.corrupt("bad name key"))?;
            if let Some(score) = score(text) {
                hits.push(NameMatch {
                    id,
                    text: text.to_string(),
                    score,
                });
            }
            if hits.len() >= limit {
                break;
            }
        }
        Ok(hits)
    }

    /// Nodes whose names' subwords cover the query's subwords, each as a
    /// prefix or an abbreviation (`cfg` ~ `config`), best first.
    pub fn find_fuzzy(&self, query: &str, limit: usize) -> Result<Vec<NameMatch>, StoreError> {
        let mut hits = Vec::new();
        for (name, score) in self.fuzzy_names(query, limit)? {
            for mut hit in self.scan_names(
                &keys::name_exact_prefix(&name.to_lowercase()),
                limit,
                |_| Some(score),
            )? {
                hit.text = name.clone();
                hits.push(hit);
            }
            if hits.len() >= limit {
                break;
            }
        }
        hits.truncate(limit);
        Ok(hits)
    }

    /// Distinct names that fuzzily match `query`, best first (some may be
    /// stale: names no node carries any more).
    fn fuzzy_names(&self, query: &str, limit: usize) -> Result<Vec<(String, f32)>, StoreError> {
        let mut words = split_identifier(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        // Each query subword matches a later name subword by prefix or
        // abbreviation, so the query's letters, in order, are a
        // subsequence of the name's: a test that rejects most names a
        // scan visits without splitting them.
        let letters: Vec<u8> = words.concat().into_bytes();
        // Scan by the longest subword: it is the most selective. A number
        // (`cgprobe_0_1`, `crc_32`) starts too many names to narrow a scan
        // by, and a name close to the query shares its other subwords:
        // numbers are scanned by only when the query has nothing else.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        if words.iter().any(|w| !is_number(w)) {
            words.retain(|w| !is_number(w));
        }
        let mut names: Vec<(String, f32)> = Vec::new();
        let mut scanned = 0;
        for word in &words {
            let first_char = &word[..word.chars().next().map_or(0, char::len_utf8)];
            // Abbreviations share only their first letter with the word.
            let prefix = if word.len() >= 3 {
                word.as_str()
            } else {
                first_char
            };
            for item in self.prefix_iter(CF_TOKENS, prefix.as_bytes())? {
                let (key, _) = item.map_err(|e| self.db_err(e))?;
                scanned += 1;
                if scanned > FUZZY_SCAN_LIMIT {
                    break;
                }
                let (_, name) =
                    keys::decode_token_key(&key).ok_or_else(|| self.corrupt("bad token key"))?;
                if !letters_in_order(&letters, name) {
                    continue;
                }
                // One scan visits each (subword, name) key once: no duplicates.
                if let Some(score) = fuzzy_score(query, name) {
                    names.push((name.to_string(), score));
                }
            }
            if !names.is_empty() {
                break;
            }
        }
        names.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| a.0.len().cmp(&b.0.len()))
                .then_with(|| a.0.cmp(&b.0))
        });
        names.truncate(limit.max(1) * 4);
        Ok(names)
    }

    /// Up to `limit` distinct indexed names close to `query`, for a
    /// "did you mean" line: fuzzy matches, else names within a small edit
    /// distance that share the query's first two letters.
    pub fn suggest(&self, query: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let lower = query.to_lowercase();
        let mut fuzzy = self.find_fuzzy(query, limit * 4)?;
        // Among equal subword matches, the spelling closest to the query wins.
        fuzzy.sort_by_cached_key(|hit| {
            (
                std::cmp::Reverse((hit.score * 1000.0) as u32),
                edit_distance(&lower, &hit.text.to_lowercase()),
            )
        });
        let mut names: Vec<String> = Vec::new();
        for hit in fuzzy {
            if !names.contains(&hit.text) {
                names.push(hit.text);
            }
        }
        if names.is_empty() {
            let prefix: String = lower.chars().take(2).collect();
            let max_distance = (lower.chars().count() / 4).clamp(1, 3);
            let mut close: Vec<(usize, String)> = Vec::new();
            for item in self
                .prefix_iter(CF_NAMES, prefix.as_bytes())?
                .take(SUGGEST_SCAN_LIMIT)
            {
                let (key, _) = item.map_err(|e| self.db_err(e))?;
                let Some((text, _)) = keys::decode_name_key(&key) else {
                    continue;
                };
                let distance = edit_distance(&lower, text);
                if distance <= max_distance && !close.iter().any(|(_, t)| t == text) {
                    close.push((distance, text.to_string()));
                }
            }
            close.sort();
            names = close.into_iter().map(|(_, t)| t).collect();
        }
        names.truncate(limit);
        Ok(names)
    }
}

fn is_number(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit())
}

/// How well `candidate` matches `query` by subwords, in (0, 1], or `None`.
/// Every query subword must match a distinct candidate subword in order,
/// as a prefix (`conf` ~ `config`) or an abbreviation that keeps the first
/// letter (`cfg` ~ `config`).
pub fn fuzzy_score(query: &str, candidate: &str) -> Option<f32> {
    let query_words = split_identifier(query);
    let candidate_words = split_identifier(candidate);
    if query_words.is_empty() || candidate_words.is_empty() {
        return None;
    }
    let mut next = 0;
    let mut quality = 0.0;
    for word in &query_words {
        let found = candidate_words[next..]
            .iter()
            .position(|c| c.starts_with(word.as_str()) || is_abbreviation(word, c))?;
        let matched = &candidate_words[next + found];
        quality += if matched == word {
            1.0
        } else if matched.starts_with(word.as_str()) {
            0.8
        } else {
            0.6
        };
        next += found + 1;
    }
    Some(0.4 * quality / candidate_words.len().max(query_words.len()) as f32)
}

/// Whether the lower-case `letters` occur in `name` in order (ignoring
/// case); true whenever either is not ASCII, left to the full test.
fn letters_in_order(letters: &[u8], name: &str) -> bool {
    if !letters.is_ascii() || !name.is_ascii() {
        return true;
    }
    let mut wanted = letters.iter().peekable();
    for b in name.bytes() {
        if wanted.peek() == Some(&&b.to_ascii_lowercase()) {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

/// `cfg` abbreviates `config`: same first letter, then a subsequence.
fn is_abbreviation(short: &str, word: &str) -> bool {
    let mut short_chars = short.chars();
    let mut word_chars = word.chars();
    match (short_chars.next(), word_chars.next()) {
        (Some(a), Some(b)) if a == b => {}
        _ => return false,
    }
    short_chars.all(|c| word_chars.any(|w| w == c))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_subwords_and_abbreviations() {
        assert!(fuzzy_score("parse_cfg", "parse_config").is_some());
        assert!(fuzzy_score("parseConf", "parse_config_file").is_some());
        assert!(
            fuzzy_score("cfg_parse", "parse_config").is_none(),
            "order matters"
        );
        assert!(fuzzy_score("parse_xyz", "parse_config").is_none());
        let exact = fuzzy_score("parse_config", "parse_config").unwrap();
        let longer = fuzzy_score("parse_config", "parse_config_file").unwrap();
        assert!(exact > longer);
    }

    #[test]
    fn names_without_the_query_letters_in_order_are_rejected_early() {
        for (query, name) in [
            ("parse_cfg", "parse_config"),
            ("parseConf", "parse_config_file"),
            ("cg_probe", "CgProbeDevice"),
        ] {
            let letters = split_identifier(query).concat().into_bytes();
            assert!(letters_in_order(&letters, name), "{query} {name}");
            assert!(fuzzy_score(query, name).is_some());
        }
        let letters = split_identifier("cfg_parse").concat().into_bytes();
        assert!(!letters_in_order(&letters, "parse_config"));
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("parse", "prase"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
