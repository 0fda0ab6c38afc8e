# A file whose change restarts nothing (PXI0377): the role has no services, and the
# file names none. `restart = [...]` or `restart = []` says what is meant. A file's
# owner must be a Linux user name (PXI0339), which Ansible creates when missing.

cluster lab {
  endpoint = "https://10.0.0.2:8006/"
}

role web {
  file "/etc/nginx/conf.d/site.conf" {
    content = "server { listen 80; }\n"
  }
  file "/etc/nginx/conf.d/other.conf" {
    content = "# empty\n"
    restart = ["nginx"]
  }
  file "/etc/cron.d/cleanup" {
    content = "0 3 * * * root /usr/local/bin/cleanup\n"
    restart = []
  }
  file "/srv/app/env" {
    content = "X=1\n"
    owner   = "App User"
    restart = []
  }
}

role app {
  services = ["app"]
  file "/etc/app.conf" {
    content = "x = 1\n"
  }
}
