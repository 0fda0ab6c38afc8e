# Windows 11 setup refuses a machine without UEFI, q35 and a TPM 2.0: the first
# template lacks all three, the second only its TPM. The third has everything.
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

template win11-bare {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  os_type = win11
}

template win11-no-tpm {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
  os_type = win11
  bios    = ovmf
  machine = "q35"
}

template win11-ready {
  host        = pve1
  image       = os.ubuntu_2404
  storage     = local-lvm
  os_type     = win11
  bios        = ovmf
  machine     = "q35"
  secure_boot = true
  tpm         = true
}
