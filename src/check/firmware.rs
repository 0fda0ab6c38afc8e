//! Firmware, machine and CPU tuning: a template's `bios`, `machine`, `secure_boot`,
//! `tpm` and `os_type` (which its VMs inherit), and a VM's `cpu_type`, `cpu_flags`,
//! `numa`, `cpu_units`, `cpu_limit`, `hugepages` and `vga`, checked as Proxmox (and
//! the provider, which validates some of them first) would check them at apply time.

use super::eval::{Record, Value};
use crate::diag::{Code, Diagnostic};
use crate::ir;
use crate::source::Span;

/// The CPU types the provider accepts (`CPUTypeValidator`, v0.111.1), besides
/// `custom-<name>` models defined on the cluster.
pub const CPU_TYPES: &[&str] = &[
    "486",
    "Broadwell",
    "Broadwell-IBRS",
    "Broadwell-noTSX",
    "Broadwell-noTSX-IBRS",
    "Cascadelake-Server",
    "Cascadelake-Server-noTSX",
    "Cascadelake-Server-v2",
    "Cascadelake-Server-v4",
    "Cascadelake-Server-v5",
    "Conroe",
    "Cooperlake",
    "Cooperlake-v2",
    "EPYC",
    "EPYC-Genoa",
    "EPYC-IBPB",
    "EPYC-Milan",
    "EPYC-Rome",
    "EPYC-Rome-v2",
    "EPYC-Rome-v3",
    "EPYC-Rome-v4",
    "EPYC-v3",
    "EPYC-v4",
    "Haswell",
    "Haswell-IBRS",
    "Haswell-noTSX",
    "Haswell-noTSX-IBRS",
    "Icelake-Client",
    "Icelake-Client-noTSX",
    "Icelake-Server",
    "Icelake-Server-noTSX",
    "Icelake-Server-v3",
    "Icelake-Server-v4",
    "Icelake-Server-v5",
    "Icelake-Server-v6",
    "IvyBridge",
    "IvyBridge-IBRS",
    "KnightsMill",
    "Nehalem",
    "Nehalem-IBRS",
    "Opteron_G1",
    "Opteron_G2",
    "Opteron_G3",
    "Opteron_G4",
    "Opteron_G5",
    "Penryn",
    "SandyBridge",
    "SandyBridge-IBRS",
    "SapphireRapids",
    "Skylake-Client",
    "Skylake-Client-IBRS",
    "Skylake-Client-noTSX-IBRS",
    "Skylake-Client-v4",
    "Skylake-Server",
    "Skylake-Server-IBRS",
    "Skylake-Server-noTSX-IBRS",
    "Skylake-Server-v4",
    "Skylake-Server-v5",
    "Westmere",
    "Westmere-IBRS",
    "athlon",
    "core2duo",
    "coreduo",
    "host",
    "kvm32",
    "kvm64",
    "max",
    "pentium",
    "pentium2",
    "pentium3",
    "phenom",
    "qemu32",
    "qemu64",
    "x86-64-v2",
    "x86-64-v2-AES",
    "x86-64-v3",
    "x86-64-v4",
];

/// The flags a VM's `cpu: …,flags=` may turn on or off (qemu-server's
/// `@supported_cpu_flags`, PVE 8 and 9); a custom CPU model may name others, but
/// only in the cluster's `cpu-models.conf`.
pub const CPU_FLAGS: &[&str] = &[
    "pcid",
    "spec-ctrl",
    "ibpb",
    "ssbd",
    "virt-ssbd",
    "amd-ssbd",
    "amd-no-ssb",
    "pdpe1gb",
    "md-clear",
    "hv-tlbflush",
    "hv-evmcs",
    "aes",
];

/// `hugepages` values Proxmox takes: 2 MiB pages, 1 GiB pages, or either.
pub const HUGEPAGES: &[&str] = &["2", "1024", "any"];

/// The most `cpuunits` takes on cgroup v2, which PVE 8 and 9 use.
const MAX_CPU_UNITS: u64 = 10_000;
/// The most `cpulimit` takes.
const MAX_CPU_LIMIT: u64 = 128;

/// A template's firmware, checked: a machine type Proxmox knows, Secure Boot keys
/// only with OVMF, and Windows 11's q35 + OVMF + TPM.
pub fn template(
    r: &Record,
    name: &str,
    name_span: Span,
    image: &ir::Image,
    out: &mut Vec<Diagnostic>,
) -> ir::Firmware {
    let word = |field: &str, default: &str| match r.value(field).as_deref() {
        Some(Value::Word(w)) => w.clone(),
        _ => default.to_string(),
    };
    let bios = word("bios", "seabios");
    let os_type = word("os_type", "l26");
    let machine = r.text("machine").and_then(|m| {
        let at = span(r, "machine").unwrap_or(name_span);
        let written = machine_type(m);
        if written.is_none() {
            out.push(invalid_machine(m, at));
        }
        written
    });
    let secure_boot = matches!(r.value("secure_boot").as_deref(), Some(Value::Bool(true)));
    let tpm = matches!(r.value("tpm").as_deref(), Some(Value::Bool(true)));
    let firmware = ir::Firmware {
        bios,
        machine,
        secure_boot,
        tpm,
        os_type,
    };
    if firmware.secure_boot && !firmware.is_ovmf() {
        let at = span(r, "secure_boot").unwrap_or(name_span);
        out.push(
            Diagnostic::error(
                Code::SecureBootNeedsOvmf,
                format!("template `{name}` enrols Secure Boot keys without UEFI firmware"),
            )
            .with_primary(at, "Secure Boot keys live in OVMF's EFI vars disk")
            .with_help("set `bios = ovmf`, or remove `secure_boot`"),
        );
    }
    if firmware.is_ovmf() && image.kind == "iso" && image.family == "debian" {
        let at = span(r, "bios").unwrap_or(name_span);
        out.push(
            Diagnostic::error(
                Code::UnattendedInstallNeedsSeabios,
                format!("template `{name}` installs Debian from its ISO under UEFI firmware"),
            )
            .with_primary(at, "Packer types the boot command of the installer's BIOS menu")
            .with_note("under OVMF the Debian installer shows a GRUB menu instead, where that command does nothing and the build waits until it times out")
            .with_help("build the template with `bios = seabios`, or start from the Debian cloud image (`os.debian_12`), which boots under either firmware"),
        );
    }
    if firmware.os_type == "win11" {
        let mut missing = Vec::new();
        if !firmware.is_q35() {
            missing.push("`machine = \"q35\"`");
        }
        if !firmware.is_ovmf() {
            missing.push("`bios = ovmf`");
        }
        if !firmware.tpm {
            missing.push("`tpm = true`");
        }
        if !missing.is_empty() {
            let at = span(r, "os_type").unwrap_or(name_span);
            out.push(
                Diagnostic::error(
                    Code::Windows11NeedsUefiTpm,
                    format!(
                        "template `{name}` is for Windows 11, which needs UEFI, q35 and a TPM 2.0"
                    ),
                )
                .with_primary(at, "Windows 11 setup refuses a machine without them")
                .with_help(format!("add {}", missing.join(", "))),
            );
        }
    }
    firmware
}

/// The machine type as Proxmox writes it, or `None` when Proxmox (or the provider)
/// would refuse it: `q35`, `i440fx` (written `pc`), or a version of either such as
/// `pc-q35-8.1` or `pc-i440fx-9.0+pve1`.
pub fn machine_type(text: &str) -> Option<String> {
    match text {
        "q35" => return Some("q35".to_string()),
        "i440fx" | "pc" => return Some("pc".to_string()),
        _ => {}
    }
    let rest = text
        .strip_prefix("pc-q35-")
        .or_else(|| text.strip_prefix("pc-i440fx-"))?;
    let (version, pve) = match rest.split_once("+pve") {
        Some((version, pve)) => (version, Some(pve)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = version.split('.').collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    let valid = numbers.len() >= 2 && numbers.iter().all(|n| digits(n)) && pve.is_none_or(digits);
    valid.then(|| text.to_string())
}

fn invalid_machine(text: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidMachineType,
        format!("`{text}` is not a machine type Proxmox knows"),
    )
    .with_primary(at, "not `q35`, `i440fx` or a version of either")
    .with_help("write `machine = \"q35\"` (PCIe, needed for PCIe passthrough and Windows 11) or `\"i440fx\"`; pin a version as `\"pc-q35-8.1\"`")
}

/// A VM's CPU tuning and display, checked. `token`: whether Terraform logs in with
/// an API token, which Proxmox refuses some settings (those of root@pam alone).
pub fn vm_cpu(
    r: &Record,
    name: &str,
    name_span: Span,
    token: bool,
    out: &mut Vec<Diagnostic>,
) -> (ir::CpuTuning, Option<String>) {
    if let Some(cpu_type) = r.text("cpu_type")
        && !CPU_TYPES.contains(&cpu_type)
        && !cpu_type.strip_prefix("custom-").is_some_and(is_model_name)
    {
        let at = span(r, "cpu_type").unwrap_or(name_span);
        let mut d = Diagnostic::error(
            Code::UnknownCpuType,
            format!("`{cpu_type}` is not a CPU type Proxmox knows"),
        )
        .with_primary(at, "unknown CPU type");
        d = match crate::diag::suggest(cpu_type, CPU_TYPES.iter().copied()).first() {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help(
                "use `x86-64-v2-AES` (migrates between any recent hosts), `host` (all of this host's features), or a `custom-` model of the cluster",
            ),
        };
        out.push(d);
    }
    let mut flags = Vec::new();
    if let Some(Value::List(items)) = r.value("cpu_flags").as_deref() {
        for item in items {
            let Value::Str(flag) = &item.value else {
                continue;
            };
            let known = flag
                .strip_prefix(['+', '-'])
                .is_some_and(|f| CPU_FLAGS.contains(&f));
            if known {
                flags.push(flag.clone());
            } else {
                out.push(
                    Diagnostic::error(
                        Code::InvalidCpuFlag,
                        format!("`{flag}` is not a CPU flag Proxmox lets a VM set"),
                    )
                    .with_primary(item.span, "not `+` or `-` and one of the allowed flags")
                    .with_help(format!(
                        "write `+flag` to turn a flag on, `-flag` to turn it off, among: {}",
                        CPU_FLAGS.join(", ")
                    )),
                );
            }
        }
    }
    let numa = matches!(r.value("numa").as_deref(), Some(Value::Bool(true)));
    let ranged = |field: &str, min: u64, max: u64, out: &mut Vec<Diagnostic>| {
        let Some(Value::Int(n)) = r.value(field).as_deref().cloned() else {
            return None;
        };
        if (min..=max).contains(&n) {
            return u32::try_from(n).ok();
        }
        let at = span(r, field).unwrap_or(name_span);
        out.push(
            Diagnostic::error(
                Code::CpuTuningOutOfRange,
                format!("`{field} = {n}` is out of range ({min} to {max})"),
            )
            .with_primary(at, "Proxmox refuses it")
            .with_help(format!(
                "write a value from {min} to {max}, or leave `{field}` out for Proxmox's default"
            )),
        );
        None
    };
    let units = ranged("cpu_units", 1, MAX_CPU_UNITS, out);
    let limit = ranged("cpu_limit", 1, MAX_CPU_LIMIT, out);
    let hugepages = r.text("hugepages").and_then(|h| {
        let at = span(r, "hugepages").unwrap_or(name_span);
        if !HUGEPAGES.contains(&h) {
            out.push(
                Diagnostic::error(
                    Code::InvalidHugepages,
                    format!("`hugepages = \"{h}\"` is not a page size Proxmox takes"),
                )
                .with_primary(at, "not `\"2\"`, `\"1024\"` or `\"any\"`")
                .with_help("write `\"2\"` (2 MiB pages), `\"1024\"` (1 GiB pages) or `\"any\"`"),
            );
            return None;
        }
        if !numa {
            out.push(
                Diagnostic::error(
                    Code::HugepagesNeedNuma,
                    format!("`{name}` backs its memory with huge pages without NUMA"),
                )
                .with_primary(at, "Proxmox allocates huge pages per NUMA node")
                .with_help("add `numa = true`"),
            );
        }
        if token {
            out.push(
                Diagnostic::error(
                    Code::HugepagesNeedRootPassword,
                    format!("`{name}` sets `hugepages`, which an API token may not set"),
                )
                .with_primary(at, "Proxmox lets only root@pam with a password set huge pages")
                .with_help("remove `hugepages`, or set it by hand as root@pam and leave it out of the `.pxi` file"),
            );
        }
        Some(h.to_string())
    });
    let vga = match r.value("vga").as_deref() {
        Some(Value::Word(w)) => Some(w.clone()),
        _ => None,
    };
    let tuning = ir::CpuTuning {
        flags,
        numa,
        units,
        limit,
        hugepages,
    };
    (tuning, vga)
}

/// The name of a custom CPU model in the cluster's `cpu-models.conf`.
fn is_model_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Where a field was written.
fn span(r: &Record, name: &str) -> Option<Span> {
    r.fields.get(name).map(|f| f.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_types_are_those_proxmox_takes() {
        assert_eq!(machine_type("q35").as_deref(), Some("q35"));
        assert_eq!(machine_type("i440fx").as_deref(), Some("pc"));
        assert_eq!(machine_type("pc-q35-8.1").as_deref(), Some("pc-q35-8.1"));
        assert_eq!(
            machine_type("pc-i440fx-9.0+pve1").as_deref(),
            Some("pc-i440fx-9.0+pve1")
        );
        for wrong in [
            "Q35",
            "q35 ",
            "pc-q35",
            "pc-q35-8",
            "pc-q35-8.x",
            "virt",
            "pc-q35-8.1+pve",
            "",
        ] {
            assert_eq!(machine_type(wrong), None, "{wrong:?}");
        }
    }
}
