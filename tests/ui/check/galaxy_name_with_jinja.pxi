# A role's `galaxy` name is written into the inventory, role dependencies and
# `requirements.yml`, where Ansible evaluates Jinja: only `namespace.name` is taken.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

role docker {
  galaxy = "geerlingguy.docker"
}

role hardening {
  galaxy = "dev-sec.os-hardening"
}

role evil {
  galaxy = "{{ lookup('pipe', 'touch /tmp/pwned') }}"
}

role option {
  galaxy = "--force.x"
}

role app {
  depends = [docker, hardening, evil, option]
}
