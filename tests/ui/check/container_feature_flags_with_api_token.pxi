# With an API token, Proxmox refuses every container feature flag but `nesting`,
# and every flag of a privileged container (pve-container answers 403). `nesting`
# on an unprivileged container is fine.
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

container docker {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  features {
    nesting = true
    keyctl  = true
  }
}

container legacy {
  host         = pve1
  template     = os.debian_12_lxc
  storage      = local-lvm
  unprivileged = false
  network lan { ip = auto }
  features { nesting = true }
}

container fine {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  features { nesting = true }
}
