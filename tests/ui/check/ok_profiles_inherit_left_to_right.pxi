# A VM inherits from two profiles, left to right, one of which inherits from a
# stdlib profile; the VM's own attributes win over both. db-01 ends up with
# cores = 8 (big), disk = 20GiB (profiles.small), pool = prod (base), the roles
# and tags of `hardened` (a later parent replaces an earlier one's `roles`), and
# its own memory = 32GiB. Profiles may set any guest attribute; none is
# required in a profile.
use std.os
use std.roles
use std.profiles

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

network lan {
  cidr    = 10.0.0.0/24
  gateway = 10.0.0.1
}

host pve1 {
  address = 10.0.0.2
  cores   = 16
  memory  = 64GiB
  bridge vmbr0 { network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [iso, import, vztmpl] }
}

template debian-12 {
  host    = pve1
  image   = os.debian_12
  storage = local-lvm
}

pool prod {
  comment = "Production"
}

profile base : profiles.small {
  pool  = prod
  roles = [roles.base]
}

profile hardened {
  roles = [roles.base, roles.ssh_hardening]
  tags  = ["hardened"]
  user ops { ssh_keys = [file("files/admin.pub")], sudo = true }
}

profile big : base {
  cores  = 8
  memory = 16GiB
}

vm db-01 : big, hardened {
  host     = pve1
  template = debian-12
  memory   = 32GiB
  network lan { ip = 10.0.0.31 }
}
