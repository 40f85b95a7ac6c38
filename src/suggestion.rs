// "Did you mean …?": the closest known name to a misspelt one.

/// The candidate closest to `input`, when it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(input, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_names_only() {
        let keys = ["bake_time", "max_errors", "concurrency"];
        assert_eq!(super::closest("bake_tme", keys), Some("bake_time"));
        assert_eq!(super::closest("max_error", keys), Some("max_errors"));
        assert_eq!(super::closest("zzz", keys), None);
    }
}
