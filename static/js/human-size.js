/*
 * A file's size as people read it, written as accounts.uploads.human_size writes it on the
 * server ("0 bytes", "1 byte", "900 bytes", "1.5 KB", "2.0 MB", "3.1 GB"): the size of a file a
 * browser is about to send is known only here. tests/artifacts/test_human_size.py keeps the two
 * the same.
 */
window.humanSize = function (size) {
  "use strict";
  if (size === null || size === undefined) return "unknown size";
  if (size < 1024) return size === 1 ? "1 byte" : size + " bytes";
  var units = ["KB", "MB", "GB"];
  var tenths = 0;
  var unit = "";
  for (var power = 1; power <= units.length; power++) {
    // Tenths of the unit, rounded half up: exact, as the divisor is a power of two.
    var divisor = Math.pow(1024, power);
    tenths = Math.floor((size * 20 + divisor) / (2 * divisor));
    unit = units[power - 1];
    if (tenths < 10240) break;
  }
  return Math.floor(tenths / 10) + "." + (tenths % 10) + " " + unit;
};
