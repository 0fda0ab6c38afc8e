# With an API token, Proxmox refuses device passthrough ("configuring device
# passthrough is only allowed for root@pam") and the feature flags fuse, mknod and
# mount, as it refuses keyctl.
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

container vpn {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  device tun { path = "/dev/net/tun" }
  features {
    nesting = true
    fuse    = true
    mknod   = true
    mount   = [nfs]
  }
}
