# Acme's production cluster: three Proxmox VE nodes with hyperconverged Ceph,
# an NFS share on the NAS for ISOs, snippets and backups, two networks (the
# office/server LAN and a VLAN-tagged DMZ), and ~40 guests.
#
# Files:
#   cluster.pxi    the cluster, its shared storage, the networks and the pools
#   nodes.pxi      the three Proxmox nodes: bridges and local storage
#   templates.pxi  golden images that VMs are cloned from
#   services.pxi   roles (what runs inside the guests) and sizing profiles
#   prod.pxi       the production application stack
#   infra.pxi      shared infrastructure, CI and the staging environment
#
# `pxic check examples/cluster` checks the whole project.

use std.os          # cloud images, installer ISOs and LXC templates
use std.roles       # essentials, base, ssh_hardening, firewall, docker, nginx, node_exporter
use std.profiles    # small, medium, large, xlarge

cluster acme {
  endpoint = "https://10.20.0.11:8006/"
  token    = env("PROXMOX_VE_API_TOKEN")   # a secret: never written into any artifact
  vmids    = 1000 .. 9999                  # guests get 1000 and up; templates sit in the 9000s
  domain   = "acme.internal"
  timezone = "Europe/Berlin"

  # Hyperconverged Ceph (managed by `pveceph`): every node sees every VM disk,
  # so templates live here and can be cloned on any node, and guests can migrate.
  storage ceph-vm {
    type    = rbd
    pool    = "vm"
    content = [images, rootdir]
  }

  # The NAS. Installer ISOs, cloud-init snippets, container templates and vzdump backups.
  storage nas {
    type    = nfs
    server  = "10.20.0.5"
    export  = "/volume1/proxmox"
    path    = "/mnt/pve/nas"
    content = [iso, import, snippets, vztmpl, backup]
  }
}

# The server LAN: Proxmox nodes, databases, internal services.
# .1 router, .5 NAS, .11-.13 nodes, .20-.99 static guests, .100-.199 handed out by pxic.
network lan {
  cidr    = 10.20.0.0/24
  gateway = 10.20.0.1
  dns     = [10.20.0.53, 10.20.0.54]       # dns-1 and dns-2 (containers in infra.pxi)
  # dns-1/2 do not exist on the first bring-up: Packer's build VMs and dns-1/2
  # themselves resolve through the router until then.
  bootstrap_dns = [10.20.0.1]
  pool    = 10.20.0.100 .. 10.20.0.199
}

# The DMZ, VLAN 30 on the trunk behind vmbr1: everything reachable from the internet.
# .1 router, .10 load balancer VIP (keepalived), .11-.99 static, .100-.149 handed out by pxic.
network dmz {
  cidr    = 10.20.30.0/24
  gateway = 10.20.30.1
  dns     = [10.20.30.1]                   # the router forwards; the DMZ cannot reach the LAN resolvers
  pool    = 10.20.30.100 .. 10.20.30.149
  vlan    = 30
}

pool prod {
  comment = "Production: customer-facing web shop and its data"
}

pool staging {
  comment = "Staging: linked clones, not started on node boot"
}

pool infra {
  comment = "Shared infrastructure: DNS, monitoring, git, CI, bastion"
}
