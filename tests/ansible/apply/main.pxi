# The project tests/ansible_run.rs applies with `pxic apply --only hosts,config`: its
# host and guests are the Debian targets that tests/ansible/targets/up.sh boots
# (target N answers at 169.254.77.(4N+2)), so pxic's own runner drives real
# ansible-playbook runs against them. The targets have no Proxmox VE: `pvesm`,
# `pveum` and `pvesh` are stubs there, and the cluster's API is fakepve. The test
# writes keys/targets.pub, the harness's key, before it builds.
use std.os

cluster lab {
  # PROXMOX_VE_ENDPOINT points at the fake instead.
  endpoint   = "https://169.254.77.6:8006/"
  token      = env("PROXMOX_VE_API_TOKEN")
  # The nodes' repositories are left as they are: the targets' offline one.
  repository = enterprise
}

network lan {
  cidr = 169.254.77.0/24
  pool = 169.254.77.200 .. 169.254.77.250
}

host pve1 {
  address  = 169.254.77.6
  packages = ["htop"]
  # No ports: a target has no NIC to enslave.
  bridge vmbr0 { ports = [], network = lan }
  storage local-lvm { type = lvmthin, vg = "pve", thinpool = "data", content = [images, rootdir] }
  storage local     { type = dir, path = "/var/lib/vz", content = [import, vztmpl] }
}

template debian-12 {
  host    = pve1
  vmid    = 9000
  image   = os.debian_12
  storage = local-lvm
}

# What the guests are configured with: a package, a file, a service.
role motd {
  packages = ["less"]
  services = ["ssh"]
  file "/etc/motd" {
    content = "Welcome to {{ inventory_hostname }}: configured by pxic apply.\n"
    mode    = "0644"
    owner   = "root"
  }
}

vm app-01 {
  host     = pve1
  template = debian-12
  cores    = 1
  memory   = 1GiB
  disk     = 20GiB
  network lan { ip = 169.254.77.10 }
  user admin { ssh_keys = [file("keys/targets.pub")], sudo = true }
  roles    = [motd]
}

container ct-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  cores    = 1
  memory   = 512MiB
  disk     = 4GiB
  network lan { ip = 169.254.77.14 }
  user admin { ssh_keys = [file("keys/targets.pub")], sudo = true }
  roles    = [motd]
}
