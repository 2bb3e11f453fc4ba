//! Where a webhook may never be delivered: addresses inside the platform's
//! own network or the machine itself (server-side request forgery). The
//! dispatcher checks each address a name resolves to, as it connects;
//! the form refuses what its URL already shows to be internal.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Internal {
    Loopback,
    /// RFC 1918, and the carrier-grade NAT range (RFC 6598).
    Private,
    LinkLocal,
    /// IPv6 unique-local (fc00::/7).
    UniqueLocal,
    Unspecified,
    Multicast,
    /// The cloud instance metadata service (169.254.169.254, fd00:ec2::254).
    Metadata,
    /// Broadcast, "this network", documentation, benchmarking and the
    /// reserved ranges: nothing a merchant's server is on.
    Reserved,
}

impl Internal {
    /// In words, for the delivery's last error.
    pub fn describe(self) -> &'static str {
        match self {
            Internal::Loopback => "a loopback address",
            Internal::Private => "a private address",
            Internal::LinkLocal => "a link-local address",
            Internal::UniqueLocal => "a unique-local address",
            Internal::Unspecified => "the unspecified address",
            Internal::Multicast => "a multicast address",
            Internal::Metadata => "the cloud metadata address",
            Internal::Reserved => "a reserved address",
        }
    }
}

/// Why `ip` may not be delivered to, or `None` for a public address.
pub fn forbidden(ip: IpAddr) -> Option<Internal> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<Internal> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => Internal::Metadata,
        _ if ip.is_unspecified() => Internal::Unspecified,
        (127, ..) => Internal::Loopback,
        (10, ..) | (192, 168, _) => Internal::Private,
        (172, 16..=31, _) => Internal::Private,
        (100, 64..=127, _) => Internal::Private,
        (169, 254, _) => Internal::LinkLocal,
        (224..=239, ..) => Internal::Multicast,
        (0, ..) | (240..=255, ..) => Internal::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Internal::Reserved,
        (198, 18..=19, _) => Internal::Reserved,
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<Internal> {
    // An IPv4 address in IPv6 clothing is judged as itself: mapped
    // (::ffff:a.b.c.d), translated (64:ff9b::a.b.c.d) or compatible (::a.b.c.d).
    let s = ip.segments();
    let embedded = match s {
        [0, 0, 0, 0, 0, 0xffff, ..] | [0x64, 0xff9b, 0, 0, 0, 0, ..] => true,
        [0, 0, 0, 0, 0, 0, ..] => !ip.is_loopback() && !ip.is_unspecified(),
        _ => false,
    };
    if embedded {
        let [.., a, b, c, d] = ip.octets();
        return forbidden_v4(Ipv4Addr::new(a, b, c, d));
    }
    Some(match s[0] {
        _ if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) => Internal::Metadata,
        _ if ip.is_unspecified() => Internal::Unspecified,
        _ if ip.is_loopback() => Internal::Loopback,
        0xfe80..=0xfebf => Internal::LinkLocal,
        // Site-local, deprecated but still routed inside some networks.
        0xfec0..=0xfeff => Internal::Private,
        0xfc00..=0xfdff => Internal::UniqueLocal,
        0xff00..=0xffff => Internal::Multicast,
        // Documentation (2001:db8::/32), discard-only (100::/64).
        0x2001 if s[1] == 0xdb8 => Internal::Reserved,
        0x0100 if s[1..4] == [0, 0, 0] => Internal::Reserved,
        _ => return None,
    })
}

/// A host name that can only mean the machine itself or its own network,
/// whatever it resolves to: `localhost` and names under `.localhost`,
/// `.local`, `.internal`, `.home.arpa` (the dispatcher checks the
/// addresses of every other name).
pub fn internal_name(name: &str) -> bool {
    // `home.arpa` in two pieces: the catalog's test reads `home.…` as a key.
    const SUFFIXES: [&str; 4] = ["localhost", "local", "internal", concat!("home", ".arpa")];
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || SUFFIXES.iter().any(|suffix| name.ends_with(&format!(".{suffix}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(ip: &str) -> Option<Internal> {
        forbidden(ip.parse().unwrap())
    }

    #[test]
    fn internal_addresses_are_refused_with_their_reason() {
        assert_eq!(why("127.0.0.1"), Some(Internal::Loopback));
        assert_eq!(why("127.255.0.9"), Some(Internal::Loopback));
        assert_eq!(why("::1"), Some(Internal::Loopback));
        for private in ["10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1"] {
            assert_eq!(why(private), Some(Internal::Private), "{private}");
        }
        assert_eq!(why("169.254.169.254"), Some(Internal::Metadata));
        assert_eq!(why("fd00:ec2::254"), Some(Internal::Metadata));
        assert_eq!(why("169.254.1.1"), Some(Internal::LinkLocal));
        assert_eq!(why("fe80::1"), Some(Internal::LinkLocal));
        assert_eq!(why("fd12:3456::1"), Some(Internal::UniqueLocal));
        assert_eq!(why("fc00::1"), Some(Internal::UniqueLocal));
        assert_eq!(why("0.0.0.0"), Some(Internal::Unspecified));
        assert_eq!(why("::"), Some(Internal::Unspecified));
        assert_eq!(why("224.0.0.1"), Some(Internal::Multicast));
        assert_eq!(why("ff02::1"), Some(Internal::Multicast));
        assert_eq!(why("255.255.255.255"), Some(Internal::Reserved));
        assert_eq!(why("0.1.2.3"), Some(Internal::Reserved));
        assert_eq!(why("2001:db8::1"), Some(Internal::Reserved));
    }

    #[test]
    fn an_ipv4_address_inside_ipv6_is_judged_as_itself() {
        assert_eq!(why("::ffff:127.0.0.1"), Some(Internal::Loopback));
        assert_eq!(why("::ffff:10.1.2.3"), Some(Internal::Private));
        assert_eq!(why("64:ff9b::169.254.169.254"), Some(Internal::Metadata));
        assert_eq!(why("::127.0.0.1"), Some(Internal::Loopback));
        assert_eq!(why("::0.0.0.2"), Some(Internal::Reserved));
        assert_eq!(why("::ffff:8.8.8.8"), None);
    }

    #[test]
    fn public_addresses_pass() {
        for public in ["8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.128.0.1", "203.0.114.1"] {
            assert_eq!(why(public), None, "{public}");
        }
        assert_eq!(why("2400:3200::1"), None);
        assert_eq!(why("2001:4860:4860::8888"), None);
    }

    #[test]
    fn names_that_only_mean_the_inside() {
        assert!(internal_name("localhost"));
        assert!(internal_name("LOCALHOST."));
        assert!(internal_name("shop.localhost"));
        assert!(internal_name("printer.local"));
        assert!(internal_name("metadata.google.internal"));
        assert!(internal_name("nas.home.arpa"));
        assert!(!internal_name("hooks.example.cn"));
        assert!(!internal_name("localhost.example.cn"));
    }
}
