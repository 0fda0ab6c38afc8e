# A Galaxy role needs its namespace: `galaxy = "base"` would be found as the local
# role pxic writes for `role base` (`roles/base`), which Ansible looks up first.
cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

role base {
  packages = ["curl"]
}

role upstream {
  galaxy = "base"
}
