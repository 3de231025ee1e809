//! MLflow's limits on what a run logs, with the error each breach gets: key names, value
//! lengths and the size of a `log-batch`.

use super::tracking::{Metric, Tag, TrackingError};

/// Longest metric, param or tag key (characters).
pub const MAX_KEY: usize = 250;
/// Longest param value (characters).
pub const MAX_PARAM_VALUE: usize = 6000;
/// Longest tag value (characters).
pub const MAX_TAG_VALUE: usize = 8000;
/// Longest experiment or run name (characters).
pub const MAX_NAME: usize = 500;
/// Most metrics in one `log-batch`.
pub const MAX_BATCH_METRICS: usize = 1000;
/// Most params (and, apart, most tags) in one `log-batch`.
pub const MAX_BATCH_PARAMS_TAGS: usize = 100;
/// Most metrics, params and tags together in one `log-batch`.
pub const MAX_BATCH_ENTITIES: usize = 1000;

/// Checks a metric, param or tag key: at most [`MAX_KEY`] characters of letters, digits, `_`,
/// `-`, `.`, ` `, `/` and `:`, and not a path that leaves its folder (keys become file names).
pub fn check_key(kind: &str, key: &str) -> Result<(), TrackingError> {
    if key.is_empty() {
        return Err(TrackingError::invalid(format!(
            "A {kind} needs a name: the key is empty."
        )));
    }
    if key.chars().count() > MAX_KEY {
        return Err(TrackingError::invalid(format!(
            "The {kind} name '{}…' is {} characters long; at most {MAX_KEY} are allowed.",
            key.chars().take(24).collect::<String>(),
            key.chars().count()
        )));
    }
    let allowed = |c: char| c.is_alphanumeric() || "_-. /:".contains(c);
    if let Some(bad) = key.chars().find(|c| !allowed(*c)) {
        return Err(TrackingError::invalid(format!(
            "Invalid {kind} name: '{key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/); '{bad}' is none of these."
        )));
    }
    let leaves = key.starts_with('/')
        || key
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty());
    if leaves {
        return Err(TrackingError::invalid(format!(
            "Invalid {kind} name: '{key}'. Names may be treated as files, so they cannot begin with '/', contain '//', or have '.' or '..' as a part."
        )));
    }
    Ok(())
}

fn check_length(kind: &str, key: &str, value: &str, max: usize) -> Result<(), TrackingError> {
    let length = value.chars().count();
    if length > max {
        return Err(TrackingError::invalid(format!(
            "The {kind} '{key}' has a value of {length} characters; at most {max} are allowed."
        )));
    }
    Ok(())
}

/// Checks a param: its key and a value of at most [`MAX_PARAM_VALUE`] characters.
pub fn check_param(param: &Tag) -> Result<(), TrackingError> {
    check_key("param", &param.key)?;
    check_length("param", &param.key, &param.value, MAX_PARAM_VALUE)
}

/// Checks a tag: its key and a value of at most [`MAX_TAG_VALUE`] characters.
pub fn check_tag(tag: &Tag) -> Result<(), TrackingError> {
    check_key("tag", &tag.key)?;
    check_length("tag", &tag.key, &tag.value, MAX_TAG_VALUE)
}

/// Checks a metric's key (its value, step and time are checked by reading them).
pub fn check_metric(metric: &Metric) -> Result<(), TrackingError> {
    check_key("metric", &metric.key)
}

/// Checks an experiment's or a run's name.
pub fn check_name(kind: &str, name: &str) -> Result<(), TrackingError> {
    if name.trim().is_empty() {
        return Err(TrackingError::invalid(format!(
            "The {kind} needs a name that is not empty."
        )));
    }
    if name.chars().count() > MAX_NAME {
        return Err(TrackingError::invalid(format!(
            "The {kind} name is {} characters long; at most {MAX_NAME} are allowed.",
            name.chars().count()
        )));
    }
    Ok(())
}

/// Checks the size of a `log-batch` and each thing in it.
pub fn check_batch(metrics: &[Metric], params: &[Tag], tags: &[Tag]) -> Result<(), TrackingError> {
    let over = |what: &str, count: usize, max: usize| {
        TrackingError::invalid(format!(
            "A batch logging request can contain at most {max} {what}; this one has {count}. Split it into several requests."
        ))
    };
    if metrics.len() > MAX_BATCH_METRICS {
        return Err(over("metrics", metrics.len(), MAX_BATCH_METRICS));
    }
    if params.len() > MAX_BATCH_PARAMS_TAGS {
        return Err(over("params", params.len(), MAX_BATCH_PARAMS_TAGS));
    }
    if tags.len() > MAX_BATCH_PARAMS_TAGS {
        return Err(over("tags", tags.len(), MAX_BATCH_PARAMS_TAGS));
    }
    let total = metrics.len() + params.len() + tags.len();
    if total > MAX_BATCH_ENTITIES {
        return Err(over(
            "metrics, params and tags together",
            total,
            MAX_BATCH_ENTITIES,
        ));
    }
    metrics.iter().try_for_each(check_metric)?;
    params.iter().try_for_each(check_param)?;
    // A batch may not give one param two values.
    for (i, p) in params.iter().enumerate() {
        if let Some(other) = params[..i]
            .iter()
            .find(|o| o.key == p.key && o.value != p.value)
        {
            return Err(TrackingError::invalid(format!(
                "Duplicate parameter keys have been submitted: the param '{}' is given both '{}' and '{}' in one batch.",
                p.key, other.value, p.value
            )));
        }
    }
    tags.iter().try_for_each(check_tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn keys_follow_mlflows_rule() {
        for good in ["loss", "train/loss", "val loss", "a:b", "lr_0.1", "données"] {
            assert!(check_key("metric", good).is_ok(), "{good}");
        }
        for bad in ["", "a/../b", "/abs", "a//b", "semi;colon", "x\ny"] {
            assert!(check_key("metric", bad).is_err(), "{bad:?}");
        }
        let long = "k".repeat(MAX_KEY + 1);
        assert!(check_key("param", &long)
            .unwrap_err()
            .message
            .contains("at most 250"));
    }

    #[test]
    fn values_and_batches_have_limits() {
        assert!(check_param(&tag("p", &"x".repeat(MAX_PARAM_VALUE))).is_ok());
        assert!(check_param(&tag("p", &"x".repeat(MAX_PARAM_VALUE + 1))).is_err());
        assert!(check_tag(&tag("t", &"x".repeat(MAX_TAG_VALUE + 1))).is_err());
        let params: Vec<Tag> = (0..101).map(|i| tag(&format!("p{i}"), "1")).collect();
        let error = check_batch(&[], &params, &[]).unwrap_err();
        assert!(error.message.contains("at most 100 params"), "{error:?}");
        let twice = [tag("lr", "0.1"), tag("lr", "0.2")];
        assert!(check_batch(&[], &twice, &[]).is_err());
        let same = [tag("lr", "0.1"), tag("lr", "0.1")];
        assert!(check_batch(&[], &same, &[]).is_ok());
        let metric = Metric {
            key: "m".into(),
            value: 1.0,
            timestamp: 0,
            step: 0,
        };
        let metrics = vec![metric; 1001];
        assert!(check_batch(&metrics, &[], &[]).is_err());
        assert!(check_batch(&metrics[..1000], &[], &[]).is_ok());
    }
}
