# The project CI runs for real: tests/ansible_run.rs boots four Debian targets with
# systemd-nspawn (tests/ansible/targets/), points this project's generated inventory
# at them, runs site.yml twice and wants the second run to change nothing. So its
# bridge has no ports and its network no gateway (a target has no NIC to enslave and
# already has its default route), and its roles are ones a container can run.
use std.os
use std.roles

cluster lab {
  endpoint = "https://10.77.0.2:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")
  domain   = "lab.test"
  # The host playbook disables the enterprise repositories the targets are given
  # (tests/ansible/targets/pve-node.sh) and adds the no-subscription one.
  repository = no-subscription
}

network lan {
  cidr = 10.77.0.0/24
  dns  = [10.77.0.1]
  pool = 10.77.0.100 .. 10.77.0.199
}

host pve1 {
  address  = 10.77.0.2
  packages = ["htop"]
  roles    = [node_tools]
  sysctl { "net.ipv4.ip_forward" = 1, "net.ipv4.conf.all.rp_filter" = 2 }
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

# A cloud image with a `build` block: the host playbook makes its base VM (the
# targets' stand-in image, named by file:// URLs: they have no network), and Packer's
# ansible provisioner would run template-built.yml, which the test runs on a target.
image test_cloud {
  kind         = cloud
  family       = debian
  url          = "file:///srv/pxic-images/test-cloud.qcow2"
  checksum_url = "file:///srv/pxic-images/SHA256SUMS"
}

template built {
  host    = pve1
  vmid    = 9001
  image   = test_cloud
  storage = local-lvm
  disk    = 4GiB
  build { roles = [motd] }
}

# A role for the Proxmox node itself: tools only (a firewall that denies by default
# would shut out the web interface and corosync).
role node_tools {
  packages = ["vim", "less"]
}

# A role of the project's own: a file whose text looks like Jinja (and must stay as
# written), a service to restart when it changes, and a port.
role motd {
  description = "A message of the day, and SSH kept open."
  packages    = ["less"]
  services    = ["ssh"]
  file "/etc/motd" {
    content = "Welcome to {{ inventory_hostname }}: managed by pxic.\n"
    mode    = "0644"
    owner   = "root"
  }
  firewall { allow = [22] }
  vars {
    greeting = "hello"
  }
}

for i in 1..=2 {
  vm "web-${i}" {
    host     = pve1
    template = debian-12
    network lan { ip = auto }
    user admin { ssh_keys = [file("keys/admin.pub")], sudo = true }
    roles    = [motd, roles.nginx, roles.node_exporter]
    tags     = ["web"]
  }
}

# ── guests and roles (issue 14) ──
# A service of the project's own: a file in a folder that does not exist yet, owned
# by a user no package makes; its systemd unit, read before the service starts; and a
# firewall that does not name SSH, which must leave Ansible's port open all the same.
role shop {
  description = "A service of the project's own: its unit, its settings and a port."
  services    = ["pxic-shop"]
  file "/etc/pxic-shop/env" {
    content = "GREETING=hello\n"
    mode    = "0640"
    owner   = "shop"
  }
  file "/etc/systemd/system/pxic-shop.service" {
    content = "[Unit]\nDescription=pxic test service\n\n[Service]\nUser=shop\nEnvironmentFile=/etc/pxic-shop/env\nExecStart=/bin/sleep infinity\n\n[Install]\nWantedBy=multi-user.target\n"
  }
  firewall { allow = [8080] }
}

# A container with a sudo user (the test takes sudo off it first, as a stock Debian
# LXC template has none), the containers' baseline (roles.base, with the QEMU guest
# agent, is refused on a container) and the role above.
container metrics {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  network lan { ip = 10.77.0.50 }
  user ops { ssh_keys = [file("keys/admin.pub")], sudo = true }
  roles    = [roles.essentials, shop]
}
