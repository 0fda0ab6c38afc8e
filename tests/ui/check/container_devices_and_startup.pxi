# Devices a container passes through must be plain paths under /dev/ (pve-container's
# verify_lxc_dev_string; a comma or line break would add options or entries), each
# once, with a four-digit octal mode. Startup orders and delays, and device owners,
# are numbers Proxmox and the provider can hold.
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
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

container media {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  startup {
    order = 2
    up    = 99999999999
  }
  device tun    { path = "/dev/net/tun", mode = "666" }
  device escape { path = "/dev/../etc/shadow" }
  device extra  { path = "/dev/tun,mode=0777" }
  device gpu    { path = "/dev/dri/renderD128", gid = 4294967296 }
  device again  { path = "/dev/dri/renderD128" }
}

container fine {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  startup { order = 1, down = 120 }
  device tun { path = "/dev/net/tun", mode = "0666", read_only = false }
  features {
    fuse  = true
    mount = [nfs, cifs]
  }
}
