# Shared by the scripts: install what is missing, or say exactly what to install.

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is not installed (no 'dotnet' on PATH)." >&2
    echo "       Install it from https://dot.net (Debian: the dotnet-sdk-10.0 package from Microsoft's repository), then re-run." >&2
    exit 1
  fi
}

# build_output PROJECT_DIR: where `dotnet build -c Release` puts PROJECT_DIR's output (PROJECT_DIR relative to the clone),
# with the target framework read from Directory.Build.props, the one place it is written.
build_output() {
  local clone tfm
  clone="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  tfm=$(sed -n 's:.*<TargetFramework>\(.*\)</TargetFramework>.*:\1:p' "$clone/Directory.Build.props" | head -1)
  if [ -z "$tfm" ]; then
    echo "error: no <TargetFramework> in $clone/Directory.Build.props" >&2
    exit 1
  fi
  echo "$clone/$1/bin/Release/$tfm"
}

# install_debian_packages PKG...: installs the packages that are not installed yet.
install_debian_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo apt-get update -qq && sudo apt-get install -y -qq "${missing[@]}"
      return
    fi
    echo "error: missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
