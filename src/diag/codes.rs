//! The registry of diagnostic codes: every code exactly once, with its name, the phase
//! that reports it and its page under `docs/errors/` (embedded, for `pxic explain`).
//!
//! Ranges: PXI0001–0099 syntax and reading sources, 0100–0199 names, 0200–0299 types
//! and values, 0300–0399 addresses/VMIDs/capacity, 0400–0499 backends and runner,
//! 0500–0599 guests' hardware and options, 0900+ internal. A retired code is never reused.

use serde::{Serialize, Serializer};

/// The phase of the pipeline a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Source,
    Syntax,
    Names,
    Types,
    Estate,
    /// Reading the live cluster (`pxic status`).
    Cluster,
    /// Running the tools (`pxic apply`).
    Runner,
    Internal,
}

macro_rules! registry {
    ($( $variant:ident = $code:literal, $phase:ident, $name:literal; )*) => {
        /// A stable diagnostic code such as `PXI0001`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $variant, )*
        }

        impl Code {
            /// Every registered code, in numeric order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// `PXI0001`
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A short kebab-case name (`unterminated-string`).
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn phase(self) -> Phase {
                match self { $( Code::$variant => Phase::$phase, )* }
            }

            /// The Markdown page that explains the code (`docs/errors/<code>.md`).
            pub fn doc(self) -> &'static str {
                match self {
                    $( Code::$variant => include_str!(concat!("../../docs/errors/", $code, ".md")), )*
                }
            }
        }
    };
}

registry! {
    SyntaxError          = "PXI0001", Syntax, "syntax-error";
    UnterminatedString   = "PXI0002", Syntax, "unterminated-string";
    InvalidEscape        = "PXI0003", Syntax, "invalid-escape";
    UnknownSizeUnit      = "PXI0004", Syntax, "unknown-size-unit";
    FractionalSize       = "PXI0005", Syntax, "fractional-size";
    InvalidIpv4          = "PXI0006", Syntax, "invalid-ipv4";
    LeadingZero          = "PXI0007", Syntax, "leading-zero";
    CidrPrefixTooLong    = "PXI0008", Syntax, "cidr-prefix-too-long";
    NumberTooLarge       = "PXI0009", Syntax, "number-too-large";
    UnknownDeclKind      = "PXI0010", Syntax, "unknown-declaration-kind";
    AttributeOutsideBlock = "PXI0011", Syntax, "attribute-outside-block";
    UnclosedBlock        = "PXI0012", Syntax, "unclosed-block";
    SizeSpaceBeforeUnit  = "PXI0013", Syntax, "space-before-size-unit";
    FractionalNumber     = "PXI0014", Syntax, "fractional-number";
    KeywordAsName        = "PXI0015", Syntax, "keyword-as-name";
    MalformedNumber      = "PXI0016", Syntax, "malformed-number";
    NestedTooDeeply      = "PXI0017", Syntax, "nested-too-deeply";
    OutputPathOutside    = "PXI0075", Source, "output-path-outside";
    ManifestEntryRefused = "PXI0076", Source, "manifest-entry-refused";
    SymlinkInOutput      = "PXI0077", Source, "symlink-in-output";
    NotARegularFile      = "PXI0078", Source, "not-a-regular-file";
    InputTooLarge        = "PXI0079", Source, "input-too-large";
    SourceOutsideProject = "PXI0080", Source, "source-outside-project";
    BadManifest          = "PXI0085", Source, "bad-manifest";
    RevisionUnreadable   = "PXI0086", Source, "revision-unreadable";
    ArtifactsOutOfDate   = "PXI0087", Source, "artifacts-out-of-date";
    GeneratedFileEdited  = "PXI0088", Source, "generated-file-edited";
    FileInTheWay         = "PXI0089", Source, "file-in-the-way";
    CannotReadSource     = "PXI0090", Source, "cannot-read-source";
    SourceNotUtf8        = "PXI0091", Source, "source-not-utf8";
    NoSourceFiles        = "PXI0092", Source, "no-source-files";
    SourceTooLarge       = "PXI0093", Source, "source-too-large";
    BadLockFile          = "PXI0094", Source, "bad-lock-file";
    CannotWrite          = "PXI0095", Source, "cannot-write";
    LockOutOfDate        = "PXI0096", Source, "lock-out-of-date";
    NothingToEmit        = "PXI0097", Source, "nothing-to-emit";
    BadUsePath           = "PXI0100", Names, "bad-use-path";
    DuplicateName        = "PXI0101", Names, "duplicate-name";
    UnknownModule        = "PXI0102", Names, "unknown-module";
    ModuleNotUsed        = "PXI0103", Names, "module-not-used";
    UnknownName          = "PXI0104", Names, "unknown-name";
    WrongKind            = "PXI0105", Names, "wrong-kind";
    UnknownAttribute     = "PXI0106", Names, "unknown-attribute";
    UnknownBlock         = "PXI0107", Names, "unknown-block";
    MissingAttribute     = "PXI0108", Names, "missing-attribute";
    DuplicateAttribute   = "PXI0109", Names, "duplicate-attribute";
    DuplicateBlock       = "PXI0110", Names, "duplicate-block";
    MissingLabel         = "PXI0111", Names, "missing-label";
    UnexpectedLabel      = "PXI0112", Names, "unexpected-label";
    CannotInherit        = "PXI0113", Names, "cannot-inherit";
    ProfileCycle         = "PXI0114", Names, "profile-cycle";
    UnknownFunction      = "PXI0115", Names, "unknown-function";
    TooManyInstances     = "PXI0116", Names, "too-many-instances";
    BadLoop              = "PXI0117", Names, "bad-loop";
    NameInterpolation    = "PXI0118", Names, "name-interpolation";
    BlockAttributeMixup  = "PXI0119", Names, "block-attribute-mixup";
    ProfilesTooDeep      = "PXI0120", Names, "profiles-too-deep";
    TypeMismatch         = "PXI0201", Types, "type-mismatch";
    SizeWithoutUnit      = "PXI0202", Types, "size-without-unit";
    ExpectedList         = "PXI0203", Types, "expected-list";
    UnknownWord          = "PXI0204", Types, "unknown-word";
    QuotedWord           = "PXI0205", Types, "quoted-word";
    EmptyRange           = "PXI0206", Types, "empty-range";
    SecretInClear        = "PXI0207", Types, "secret-in-clear";
    SecretInterpolated   = "PXI0208", Types, "secret-interpolated";
    BadEnvName           = "PXI0209", Types, "bad-env-name";
    WrongArgumentCount   = "PXI0210", Types, "wrong-argument-count";
    CannotReadFile       = "PXI0211", Types, "cannot-read-file";
    AttributeNotForKind  = "PXI0212", Types, "attribute-not-for-kind";
    FileOutsideProject   = "PXI0213", Types, "file-outside-project";
    FileNotRegular       = "PXI0214", Types, "file-not-regular";
    FileTooLarge         = "PXI0215", Types, "file-too-large";
    ClusterCount         = "PXI0300", Estate, "cluster-count";
    DuplicateVmid        = "PXI0301", Estate, "duplicate-vmid";
    DuplicateAddress     = "PXI0302", Estate, "duplicate-address";
    AddressOutsideNetwork = "PXI0303", Estate, "address-outside-network";
    AddressReserved      = "PXI0304", Estate, "address-reserved";
    AddressIsGateway     = "PXI0305", Estate, "address-is-gateway";
    NoPool               = "PXI0306", Estate, "no-pool";
    PoolExhausted        = "PXI0307", Estate, "pool-exhausted";
    VmidsExhausted       = "PXI0308", Estate, "vmids-exhausted";
    VmidOutOfRange       = "PXI0309", Estate, "vmid-out-of-range";
    NoBridge             = "PXI0310", Estate, "no-bridge";
    UnknownStorage       = "PXI0311", Estate, "unknown-storage";
    StorageContent       = "PXI0312", Estate, "storage-content";
    TemplateNotReachable = "PXI0313", Estate, "template-not-reachable";
    InvalidDnsLabel      = "PXI0314", Estate, "invalid-dns-label";
    CoresExceedHost      = "PXI0315", Estate, "cores-exceed-host";
    MemoryOvercommitted  = "PXI0316", Estate, "memory-overcommitted";
    ImageKind            = "PXI0317", Estate, "image-kind";
    VlanOutOfRange       = "PXI0318", Estate, "vlan-out-of-range";
    PortOutOfRange       = "PXI0319", Estate, "port-out-of-range";
    ZeroResource         = "PXI0320", Estate, "zero-resource";
    BalloonAboveMemory   = "PXI0321", Estate, "balloon-above-memory";
    BadEndpoint          = "PXI0322", Estate, "bad-endpoint";
    HostAddressInUse     = "PXI0323", Estate, "host-address-in-use";
    DiskOvercommitted    = "PXI0324", Estate, "disk-overcommitted";
    DiskBelowTemplate    = "PXI0325", Estate, "disk-below-template";
    MtuOutOfRange        = "PXI0326", Estate, "mtu-out-of-range";
    InvalidTag           = "PXI0327", Estate, "invalid-tag";
    RolesWithoutLogin    = "PXI0328", Estate, "roles-without-login";
    LinkedCloneStorage   = "PXI0329", Estate, "linked-clone-storage";
    NoBuildNetwork       = "PXI0330", Estate, "no-build-network";
    NoUnattendedInstall  = "PXI0331", Estate, "no-unattended-install";
    BadTimeZone          = "PXI0332", Estate, "bad-time-zone";
    InvalidInterfaceName = "PXI0333", Estate, "invalid-interface-name";
    InvalidSysctlKey     = "PXI0334", Estate, "invalid-sysctl-key";
    InvalidGalaxyName    = "PXI0335", Estate, "invalid-galaxy-name";
    InvalidSysctlValue   = "PXI0336", Estate, "invalid-sysctl-value";
    InvalidStorageName   = "PXI0337", Estate, "invalid-storage-name";
    InvalidFileName      = "PXI0338", Estate, "invalid-file-name";
    InvalidUserName      = "PXI0339", Estate, "invalid-user-name";
    InvalidPackageName   = "PXI0340", Estate, "invalid-package-name";
    FeatureNeedsRootPassword = "PXI0341", Estate, "feature-needs-root-password";
    AgentNotInTemplate   = "PXI0342", Estate, "agent-not-in-template";
    CloudInitUserSudo    = "PXI0343", Estate, "cloud-init-user-sudo";
    RenamedFromDeclared  = "PXI0344", Estate, "renamed-from-declared";
    DnsOnOwnGuests       = "PXI0360", Estate, "dns-on-own-guests";
    StorageDiffersBetweenHosts = "PXI0361", Estate, "storage-differs-between-hosts";
    RoleDoesNotFitGuest  = "PXI0375", Estate, "role-does-not-fit-guest";
    RoleDoesNotFitOs     = "PXI0376", Estate, "role-does-not-fit-os";
    FileRestartsNothing  = "PXI0377", Estate, "file-restarts-nothing";
    FirewallWiderThanRole = "PXI0378", Estate, "firewall-wider-than-role";
    DockerBypassesFirewall = "PXI0379", Estate, "docker-bypasses-firewall";
    PortOnTwoBridges     = "PXI0380", Estate, "port-on-two-bridges";
    AddressTakenFromGuest = "PXI0381", Estate, "address-taken-from-guest";
    RoleLocksOutAnsible  = "PXI0382", Estate, "role-locks-out-ansible";
    SystemAccountAsUser  = "PXI0383", Estate, "system-account-as-user";
    InvalidShell         = "PXI0384", Estate, "invalid-shell";
    InvalidFilePath      = "PXI0385", Estate, "invalid-file-path";
    InvalidServiceName   = "PXI0386", Estate, "invalid-service-name";
    VmidRangesOverlap    = "PXI0387", Estate, "vmid-ranges-overlap";
    ClusterUnreachable   = "PXI0450", Cluster, "cluster-unreachable";
    ClusterCertificateUntrusted = "PXI0451", Cluster, "cluster-certificate-untrusted";
    ApiTokenMissing      = "PXI0452", Cluster, "api-token-missing";
    ApiTokenRefused      = "PXI0453", Cluster, "api-token-refused";
    ApiPermissionDenied  = "PXI0454", Cluster, "api-permission-denied";
    ApiError             = "PXI0455", Cluster, "api-error";
    CaFileUnreadable     = "PXI0456", Cluster, "ca-file-unreadable";
    TlsVerificationOff   = "PXI0457", Cluster, "tls-verification-off";
    ClusterTooOld        = "PXI0458", Cluster, "cluster-too-old";
    NodeMissing          = "PXI0459", Cluster, "node-missing";
    NodeOffline          = "PXI0460", Cluster, "node-offline";
    VmidTaken            = "PXI0461", Cluster, "vmid-taken";
    StorageMissing       = "PXI0462", Cluster, "storage-missing";
    StorageInactive      = "PXI0463", Cluster, "storage-inactive";
    StorageContentMissing = "PXI0464", Cluster, "storage-content-missing";
    BridgeMissing        = "PXI0465", Cluster, "bridge-missing";
    PrivilegeMissing     = "PXI0466", Cluster, "privilege-missing";
    ApplyAlreadyRunning  = "PXI0470", Runner, "apply-already-running";
    ToolMissing          = "PXI0471", Runner, "tool-missing";
    StepFailed           = "PXI0472", Runner, "step-failed";
    RunInterrupted       = "PXI0473", Runner, "run-interrupted";
    ApprovalNeeded       = "PXI0474", Runner, "approval-needed";
    UnknownStep          = "PXI0475", Runner, "unknown-step";
    TemplateStillCloned  = "PXI0476", Runner, "template-still-cloned";
    TemplateNotOurs      = "PXI0477", Runner, "template-not-ours";
    SshAgentMissing      = "PXI0478", Runner, "ssh-agent-missing";
    DiskInterfaceInvalid = "PXI0500", Estate, "disk-interface-invalid";
    DiskSlotTaken        = "PXI0501", Estate, "disk-slot-taken";
    DiskOptionNotForInterface = "PXI0502", Estate, "disk-option-not-for-interface";
    DiskFormatNotForStorage = "PXI0503", Estate, "disk-format-not-for-storage";
    BindMountNeedsRoot   = "PXI0504", Estate, "bind-mount-needs-root";
    MountPathInvalid     = "PXI0505", Estate, "mount-path-invalid";
    MountSizeMissing     = "PXI0506", Estate, "mount-size-missing";
    TooManyDisks         = "PXI0507", Estate, "too-many-disks";
    InvalidMachineType   = "PXI0520", Estate, "invalid-machine-type";
    SecureBootNeedsOvmf  = "PXI0521", Estate, "secure-boot-needs-ovmf";
    Windows11NeedsUefiTpm = "PXI0522", Estate, "windows-11-needs-uefi-tpm";
    UnknownCpuType       = "PXI0523", Estate, "unknown-cpu-type";
    InvalidCpuFlag       = "PXI0524", Estate, "invalid-cpu-flag";
    CpuTuningOutOfRange  = "PXI0525", Estate, "cpu-tuning-out-of-range";
    InvalidHugepages     = "PXI0526", Estate, "invalid-hugepages";
    HugepagesNeedNuma    = "PXI0527", Estate, "hugepages-need-numa";
    HugepagesNeedRootPassword = "PXI0528", Estate, "hugepages-need-root-password";
    UnattendedInstallNeedsSeabios = "PXI0529", Estate, "unattended-install-needs-seabios";
    UnknownMapping       = "PXI0530", Estate, "unknown-mapping";
    MappingNotOnNode     = "PXI0531", Estate, "mapping-not-on-node";
    PcieNeedsQ35         = "PXI0532", Estate, "pcie-needs-q35";
    DeviceGivenTwice     = "PXI0533", Estate, "device-given-twice";
    RawPassthroughNeedsRootPassword = "PXI0534", Estate, "raw-passthrough-needs-root-password";
    InvalidDeviceAddress = "PXI0535", Estate, "invalid-device-address";
    InvalidMappingName   = "PXI0536", Estate, "invalid-mapping-name";
    TooManyDevices       = "PXI0537", Estate, "too-many-devices";
    NoStaticAddress      = "PXI0540", Estate, "no-static-address";
    UnaddressedFirstNicOnBuiltClone = "PXI0541", Estate, "unaddressed-first-nic-on-built-clone";
    GatewayNicAddress    = "PXI0542", Estate, "gateway-nic-address";
    InvalidMac           = "PXI0543", Estate, "invalid-mac";
    MacInUse             = "PXI0544", Estate, "mac-in-use";
    NicOptionNotForContainers = "PXI0545", Estate, "nic-option-not-for-containers";
    NicOptionOutOfRange  = "PXI0546", Estate, "nic-option-out-of-range";
    NicOptionNeedsVirtio = "PXI0547", Estate, "nic-option-needs-virtio";
    NicMtuAboveBridge    = "PXI0548", Estate, "nic-mtu-above-bridge";
    BridgeNetworksClash  = "PXI0549", Estate, "bridge-networks-clash";
    InvalidIpv6          = "PXI0550", Estate, "invalid-ipv6";
    Ipv6OutsideNetwork   = "PXI0551", Estate, "ipv6-outside-network";
    Ipv6InUse            = "PXI0552", Estate, "ipv6-in-use";
    NumberOutOfRange     = "PXI0560", Estate, "number-out-of-range";
    DevicePath           = "PXI0561", Estate, "device-path";
    DuplicateDevice      = "PXI0562", Estate, "duplicate-device";
    DeviceMode           = "PXI0563", Estate, "device-mode";
    TooManyContainerDevices = "PXI0564", Estate, "too-many-container-devices";
    DeviceNeedsRootPassword = "PXI0565", Estate, "device-needs-root-password";
    IdmapOutOfRange      = "PXI0566", Estate, "idmap-out-of-range";
    IdmapRoot            = "PXI0567", Estate, "idmap-root";
    IdmapOnPrivileged    = "PXI0568", Estate, "idmap-on-privileged";
    Internal             = "PXI0900", Internal, "internal-error";
}

impl Code {
    /// Looks a code up by its text, case-insensitively (`pxi0001` works too).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn every_page_names_its_own_code() {
        for code in Code::ALL {
            let first = code.doc().lines().next().unwrap_or_default();
            assert!(
                first.starts_with(&format!("# {}", code.as_str())),
                "docs/errors/{code}.md must start with `# {code}`, found {first:?}"
            );
        }
    }

    #[test]
    fn every_page_has_a_code_in_the_registry() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors");
        let entries = std::fs::read_dir(dir).expect("docs/errors exists");
        for entry in entries {
            let name = entry.expect("readable entry").file_name();
            let name = name.to_string_lossy();
            let stem = name.strip_suffix(".md").unwrap_or(&name);
            if stem == "README" {
                continue;
            }
            assert!(
                Code::parse(stem).is_some(),
                "docs/errors/{name} documents a code that is not in the registry"
            );
        }
    }

    #[test]
    fn the_index_of_pages_lists_every_code() {
        let index = include_str!("../../docs/errors/README.md");
        for code in Code::ALL {
            let entry = format!("[{code}]({code}.md) `{}`", code.name());
            assert!(
                index.contains(&entry),
                "docs/errors/README.md lacks {entry}"
            );
        }
    }

    #[test]
    fn codes_parse_back() {
        assert_eq!(Code::parse("pxi0002"), Some(Code::UnterminatedString));
        assert_eq!(Code::parse("PXI9999"), None);
    }
}
