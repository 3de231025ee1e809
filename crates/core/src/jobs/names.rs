//! Names Azure ML gives jobs nobody named, e.g. `affable_eye_9xg2fgt0bd`: an adjective, a noun
//! and ten letters or digits, from random bytes the caller draws (the engine has no randomness).

const ADJECTIVES: [&str; 32] = [
    "affable", "amiable", "bold", "brave", "bright", "busy", "calm", "careful", "cheerful",
    "clever", "cool", "eager", "gentle", "happy", "honest", "jolly", "keen", "kind", "lively",
    "loyal", "lucid", "neat", "nice", "patient", "plucky", "polite", "quiet", "shy", "sincere",
    "sunny", "tidy", "witty",
];

const NOUNS: [&str; 32] = [
    "apple", "basket", "bird", "boat", "book", "cabbage", "candle", "carrot", "cat", "cloud",
    "coat", "eye", "feather", "garden", "glove", "hat", "island", "kettle", "lamp", "leaf",
    "lemon", "night", "owl", "pencil", "plum", "river", "seed", "shoe", "spoon", "star", "tomato",
    "yacht",
];

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A job name from twelve random bytes.
pub fn job_name(random: [u8; 12]) -> String {
    let adjective = ADJECTIVES[usize::from(random[0]) % ADJECTIVES.len()];
    let noun = NOUNS[usize::from(random[1]) % NOUNS.len()];
    let suffix: String = random[2..]
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{adjective}_{noun}_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_look_like_azures() {
        let name = job_name([0, 11, 9, 33, 16, 2, 15, 5, 29, 15, 0, 11]);
        assert_eq!(name, "affable_eye_9xg2f5tf0b");
        let other = job_name([255; 12]);
        assert!(other.len() <= 30 && other.is_ascii(), "{other}");
    }
}
