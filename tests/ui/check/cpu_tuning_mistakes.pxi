# A misspelt CPU type, a custom model name Proxmox does not take, flags Proxmox
# does not let a VM set, a weight and a limit out of range, a page size Proxmox
# does not know, huge pages without NUMA, and huge pages at all with an API token
# (root@pam only). `tuned` is right but for its huge pages.
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

template ubuntu {
  host    = pve1
  image   = os.ubuntu_2404
  storage = local-lvm
}

vm typo {
  host      = pve1
  template  = ubuntu
  cpu_type  = "x86-64-v2-aes"
  cpu_flags = ["+aes", "avx2", "+avx512f"]
  cpu_units = 20000
  cpu_limit = 0
  hugepages = "1G"
  network lan { ip = auto }
}

vm no-numa {
  host      = pve1
  template  = ubuntu
  cpu_type  = "custom-my model"
  hugepages = "2"
  network lan { ip = auto }
}

vm tuned {
  host      = pve1
  template  = ubuntu
  cpu_type  = "custom-fast"
  cpu_flags = ["-pcid", "+md-clear"]
  cpu_units = 500
  cpu_limit = 4
  numa      = true
  hugepages = "1024"
  vga       = serial0
  network lan { ip = auto }
}
