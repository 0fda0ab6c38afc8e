# The VMs and the roles that configure them.

role web {
  packages = ["nginx"]
  services = ["nginx"]
  firewall { allow = [80, 443] }
}

# The router: its WAN port takes its address from the ISP's box by DHCP (and its
# default route with it); its LAN port, untagged on the VLAN-aware vmbr0, is a
# trunk: it holds lan's gateway, and the router makes iot's (VLAN 20) on it itself.
# Ansible connects to it at 10.10.0.1. Two virtio queues spread the LAN port's
# packets over both of its cores.
vm router : small {
  host     = pve1
  template = ubuntu-2404
  network wan { ip = dhcp }
  network lan { ip = 10.10.0.1, is_gateway = true, queues = 2 }
  roles    = [roles.base]
}

vm web-01 : small {
  host     = pve1
  template = ubuntu-2404
  pool     = prod
  network lan { ip = 10.10.0.21 }
  roles    = [roles.base, web]
  user admin { ssh_keys = [file("keys/admin.pub")], sudo = true }
  tags     = ["web", "prod"]
}

vm db-01 : medium {
  host        = pve1
  template    = ubuntu-2404
  pool        = prod
  disk        = 100GiB
  network lan { ip = 10.10.0.31 }
  roles       = [roles.base]
  description = "PostgreSQL for the web tier"
  protection  = true                        # stateful: no plan may destroy it
  # The database's own disk. pgBackRest backs it up consistently; a vzdump of a
  # running database would not be, so Proxmox's backups leave it out.
  disk pgdata {
    size      = 200GiB
    interface = "scsi1"
    backup    = false
  }
}

for i in 1..=3 {
  vm "worker-${i}" : small {
    host     = pve1
    template = ubuntu-2404
    network lan { ip = auto }
    roles    = [roles.base]
  }
}

# The MQTT broker of the IoT devices: its NIC on iot goes on vmbr0, tagged 20.
vm mqtt-01 : small {
  host     = pve1
  template = ubuntu-2404
  network iot { ip = auto }
  roles    = [roles.base]
}

container dns-01 {
  host     = pve1
  template = os.debian_12_lxc
  storage  = local-lvm
  cores    = 1
  memory   = 512MiB
  disk     = 8GiB
  network lan { ip = 10.10.0.53 }
  # Zone files and the resolver's cache on a volume of their own.
  mount zones {
    path   = "/var/lib/dns"
    size   = 2GiB
    backup = true
  }
}
