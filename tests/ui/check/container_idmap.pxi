# An idmap shares ids of an unprivileged container with the host: from 1 to 65535
# (0 would make its root the host's), and never on a privileged container, whose ids
# are the host's already.
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

container files {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  idmap {
    uids = [0, 1000]
    gids = [100000]
  }
}

container legacy {
  host         = pve1
  template     = os.debian_12_lxc
  storage      = local-lvm
  unprivileged = false
  network lan { ip = auto }
  idmap { uids = [1000] }
}

container fine {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  idmap { uids = [1000, 1001], gids = [44] }
}
