# A machine type Proxmox does not know, Secure Boot keys without UEFI, and a Debian
# ISO installed under UEFI (Packer's boot command is for the BIOS menu). The last
# template is right: Ubuntu's ISO boots GRUB under either firmware.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import] }
}

template typo {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  machine = "q53"
}

template keys-on-bios {
  host        = pve1
  image       = os.ubuntu_2404
  storage     = local-lvm
  secure_boot = true
}

template debian-uefi {
  host    = pve1
  image   = os.debian_12_iso
  storage = local-lvm
  bios    = ovmf
}

template ubuntu-uefi {
  host        = pve1
  image       = os.ubuntu_2404_iso
  storage     = local-lvm
  bios        = ovmf
  machine     = "pc-q35-9.0+pve1"
  secure_boot = true
}
