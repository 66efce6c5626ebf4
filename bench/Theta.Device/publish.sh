#!/bin/sh
# Publishes Theta.Device self-contained for linux-x64 into $1 (default: .devcarry/theta-device), trimmed to about
# 33 MB so that it fits a borrowed machine's carry, with device-run.sh and the PyTorch peer's script beside it.
# Partial trimming leaves Theta, the tests and xunit whole (the test runner finds tests by reflection); the native
# libraries that only plotting (Skia, HarfBuzz), debuggers and tracing load are dropped.
set -e
out=${1:-.devcarry/theta-device}
here=$(dirname "$0")
dotnet publish "$here/Theta.Device.csproj" -c Release -p:DevicePublish=true -o "$out"
rm -f "$out/libSkiaSharp.so" "$out/libHarfBuzzSharp.so" "$out/libmscordaccore.so" "$out/libmscordbi.so" "$out/libcoreclrtraceptprovider.so"
cp "$here/device-run.sh" "$out/"
torch="$here/../../../shared/peers/py/bench_train_torch.py"
if [ -f "$torch" ]; then cp "$torch" "$out/"; fi
du -sh "$out"
