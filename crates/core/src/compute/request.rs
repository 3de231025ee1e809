//! Checks on what a person asks for: SSH public keys, tags, subnets, idle shutdown times. Each
//! error is a sentence that says what to fix.

pub use crate::arm::tags::{tag_errors, validate_tag, validate_tags, TagPart};

/// The SSH key types Azure accepts for compute instances.
pub const SSH_KEY_TYPES: [&str; 5] = [
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
];

/// Decodes standard base64 (with or without padding); `None` on any invalid character.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// Checks an OpenSSH public key line (`ssh-ed25519 AAAA... comment`): a supported type whose
/// base64 body decodes and names the same type.
pub fn validate_ssh_public_key(key: &str) -> Result<(), String> {
    let mut parts = key.split_whitespace();
    let Some(kind) = parts.next() else {
        return Err("Enter an SSH public key, or choose \"Set up an SSH key later\".".into());
    };
    if kind.starts_with("-----BEGIN") {
        return Err("That looks like a private key. Paste the public key (the .pub file) instead; never share a private key.".into());
    }
    if !SSH_KEY_TYPES.contains(&kind) {
        return Err(format!(
            "'{kind}' is not a supported key type. Use an OpenSSH public key starting with ssh-rsa, ssh-ed25519 or ecdsa-sha2-nistp256/384/521."
        ));
    }
    let body = parts
        .next()
        .ok_or("The key has a type but no key data after it.")?;
    let bytes = decode_base64(body).ok_or("The key data is not valid base64.")?;
    let declared = bytes
        .get(..4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
        .and_then(|len| bytes.get(4..4 + len))
        .ok_or("The key data is too short to be an SSH public key.")?;
    if declared != kind.as_bytes() {
        return Err(format!(
            "The key data does not match its type '{kind}'. Copy the whole line of the .pub file."
        ));
    }
    if kind == "ssh-rsa" && bytes.len() < 200 {
        return Err("RSA keys must be at least 2048 bits.".into());
    }
    Ok(())
}

/// Idle shutdown bounds in minutes: 15 minutes to 3 days.
pub const IDLE_MINUTES: std::ops::RangeInclusive<u32> = 15..=4320;

/// Checks an idle shutdown time in minutes.
pub fn validate_idle_minutes(minutes: u32) -> Result<(), String> {
    if IDLE_MINUTES.contains(&minutes) {
        Ok(())
    } else {
        Err(format!(
            "Idle shutdown must be between 15 minutes and 3 days (4320 minutes); {minutes} is outside."
        ))
    }
}

/// User names Azure refuses for a Linux administrator account.
const RESERVED_ADMIN_NAMES: [&str; 14] = [
    "admin",
    "administrator",
    "backup",
    "console",
    "guest",
    "owner",
    "root",
    "server",
    "sql",
    "support",
    "sys",
    "test",
    "user",
    "adm",
];

/// Checks a Linux administrator's user name as Azure does: 1 to 32 letters, digits, `-` or `_`,
/// starting with a letter, and not a reserved name such as `root` or `admin`.
pub fn validate_admin_username(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Enter the administrator's user name.".into());
    }
    let valid = name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "'{name}' is not a valid user name: use 1 to 32 letters, digits, hyphens or underscores, starting with a letter."
        ));
    }
    if RESERVED_ADMIN_NAMES.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "'{name}' is reserved; choose another user name, such as azureuser."
        ));
    }
    Ok(())
}

/// The ARM id of a subnet of a virtual network in a subscription's resource group.
pub fn subnet_id(subscription: &str, group: &str, vnet: &str, subnet: &str) -> String {
    format!(
        "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}"
    )
}

/// Parts of a subnet id: (resource group, virtual network, subnet).
pub fn parse_subnet_id(id: &str) -> Result<(String, String, String), String> {
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    let ok = parts.len() == 10
        && parts[0].eq_ignore_ascii_case("subscriptions")
        && parts[2].eq_ignore_ascii_case("resourceGroups")
        && parts[4].eq_ignore_ascii_case("providers")
        && parts[5].eq_ignore_ascii_case("Microsoft.Network")
        && parts[6].eq_ignore_ascii_case("virtualNetworks")
        && parts[8].eq_ignore_ascii_case("subnets")
        && parts.iter().all(|p| !p.is_empty());
    if ok {
        Ok((parts[3].into(), parts[7].into(), parts[9].into()))
    } else {
        Err(format!(
            "'{id}' is not a subnet id: expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>."
        ))
    }
}

/// Checks a subnet id: its shape, then the names of its resource group, network and subnet.
pub fn validate_subnet_id(id: &str) -> Result<(), String> {
    let (group, network, subnet) = parse_subnet_id(id)?;
    validate_network_name("Resource group", &group)?;
    validate_network_name("Virtual network", &network)?;
    validate_network_name("Subnet", &subnet)
}

/// Checks a virtual network or subnet name (Azure: 2-64 letters, digits, `-`, `_`, `.`).
pub fn validate_network_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("{what} is required."));
    }
    let len = name.chars().count();
    if !(2..=64).contains(&len) {
        return Err(format!("{what} must be 2 to 64 characters long."));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "{what} can contain only letters, digits, '-', '_' and '.'."
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A real ed25519 public key line (test data only).
    pub const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKz1yQ0n0pTq5a3Rr2m8mQ0V0xq6J0pZ0m3f8xXr5r2T ada@laptop";

    #[test]
    fn ssh_keys() {
        assert_eq!(validate_ssh_public_key(ED25519), Ok(()));
        assert!(validate_ssh_public_key("")
            .unwrap_err()
            .contains("Set up an SSH key later"));
        assert!(validate_ssh_public_key("ssh-dss AAAA")
            .unwrap_err()
            .contains("not a supported key type"));
        assert!(validate_ssh_public_key("ssh-ed25519")
            .unwrap_err()
            .contains("no key data"));
        assert!(validate_ssh_public_key("ssh-ed25519 !!!")
            .unwrap_err()
            .contains("base64"));
        assert!(validate_ssh_public_key(
            "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKz1yQ0n0pTq5a3Rr2m8mQ0V0xq6J0pZ0m3f8xXr5r2T"
        )
        .unwrap_err()
        .contains("does not match"));
        assert!(
            validate_ssh_public_key("-----BEGIN OPENSSH PRIVATE KEY-----")
                .unwrap_err()
                .contains("private key")
        );
    }

    #[test]
    fn tags_and_networks() {
        assert!(validate_tag("owner", "<img src=x onerror=alert(1)>").is_ok());
        assert!(validate_tag("a/b", "x").is_err());
        assert!(validate_tag(" ", "x").is_err());
        assert!(validate_tag("k", &"v".repeat(257)).is_err());
        // Every problem at once, each in its part: one does not hide another.
        let long = "v".repeat(257);
        let parts: Vec<TagPart> = tag_errors("a/b", &long).iter().map(|(p, _)| *p).collect();
        assert_eq!(parts, [TagPart::Name, TagPart::Value]);
        assert_eq!(tag_errors(" ", &long).len(), 2);
        let many: BTreeMap<String, String> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(validate_tags(&many).is_err());
        assert!(
            validate_idle_minutes(14).is_err()
                && validate_idle_minutes(15).is_ok()
                && validate_idle_minutes(4321).is_err()
        );
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default";
        assert_eq!(
            parse_subnet_id(id).unwrap(),
            ("rg".into(), "vnet1".into(), "default".into())
        );
        assert!(parse_subnet_id("/subscriptions/s/subnets/x").is_err());
        assert!(validate_subnet_id(id).is_ok());
        assert!(validate_subnet_id(&id.replace("vnet1", "v net"))
            .unwrap_err()
            .contains("Virtual network"));
        assert!(validate_network_name("Virtual network", "vnet one").is_err());
    }
}
