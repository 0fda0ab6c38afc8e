# Containers: features, swap, several interfaces, and the SSH keys of all users given
# to root (a container has no cloud-init user). No API token: root@pam, logged in
# with a password, may set `keyctl`, `fuse`, `mount` and pass devices through. A
# protected container, started first and given time to stop. A container that keeps
# user 1000 and groups 44 and 1000 of the host: the provider writes its id map over
# SSH, and the host play lets root map those ids.
use std.os

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
  dns     = [10.0.0.1]
  pool    = 10.0.0.100 .. 10.0.0.199
}

network dmz {
  cidr    = 10.5.0.0/24
  gateway = 10.5.0.1
  vlan    = 5
  pool    = 10.5.0.10 .. 10.5.0.50
}

host pve1 {
  address = 10.0.0.2
  bridge vmbr0 { ports = ["eno1"], network = lan }
  bridge vmbr1 { ports = ["eno2"], network = dmz, vlan_aware = true }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [vztmpl] }
}

container proxy {
  host         = pve1
  template     = os.debian_12_lxc
  storage      = local-lvm
  cores        = 2
  memory       = 1GiB
  swap         = 256MiB
  disk         = 10GiB
  features {
    nesting = true
    keyctl  = true
    fuse    = true
    mount   = [nfs, cifs]
  }
  device tun { path = "/dev/net/tun", mode = "0666" }
  device gpu { path = "/dev/dri/renderD128", gid = 104, read_only = true }
  startup { order = 1, down = 180 }
  network lan { ip = auto }
  network dmz { ip = 10.5.0.10 }
  user alice { ssh_keys = ["ssh-ed25519 AAAA alice@example", "ssh-ed25519 CCCC shared@example"] }
  user bob   { ssh_keys = ["ssh-ed25519 CCCC shared@example"] }
  tags         = ["edge"]
  protection   = true
}

container cache {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = auto }
  startup { up = 15 }
  idmap {
    uids = [1000]
    gids = [1000, 44, 1000]
  }
}
