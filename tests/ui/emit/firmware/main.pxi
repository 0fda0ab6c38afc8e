# Firmware is declared on templates and carried by every VM cloned from them: a
# Terraform-made UEFI template with Secure Boot keys and a TPM, a Packer build from
# Ubuntu's ISO (GRUB under either firmware) on a pinned q35 version, and a Packer
# build on a cloud image (its base VM gets the firmware from `qm create`). A VM
# tunes its CPU, NUMA, huge pages and display; without an API token, huge pages
# may be set.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  pool    = 10.0.0.100 .. 10.0.0.199
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, snippets] }
}

template uefi {
  host        = pve1
  vmid        = 9000
  image       = os.ubuntu_2404
  storage     = local-lvm
  bios        = ovmf
  machine     = "q35"
  secure_boot = true
  tpm         = true
}

template uefi-iso {
  host    = pve1
  vmid    = 9001
  image   = os.ubuntu_2404_iso
  storage = local-lvm
  bios    = ovmf
  machine = "pc-q35-8.1"
  tpm     = true
}

template uefi-build {
  host    = pve1
  vmid    = 9002
  image   = os.debian_12
  storage = local-lvm
  bios    = ovmf
  machine = "i440fx"
  build { packages = ["htop"] }
}

vm tuned {
  host      = pve1
  template  = uefi
  cpu_type  = "host"
  cpu_flags = ["+aes", "-pcid"]
  numa      = true
  cpu_units = 200
  cpu_limit = 2
  hugepages = "2"
  vga       = serial0
  network lan { ip = auto }
}

vm from-iso {
  host     = pve1
  template = uefi-iso
  network lan { ip = auto }
}
