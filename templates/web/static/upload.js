// 上传页：只为拖放和显示所选文件；没有脚本时表单照样能用。
(function () {
  var drop = document.getElementById("drop"), input = drop.querySelector("input"), chosen = document.getElementById("chosen");
  function show() { chosen.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join("、"); }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (e) { drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (e) { drop.addEventListener(e, function () { drop.classList.remove("over"); }); });
  drop.addEventListener("drop", function (ev) { ev.preventDefault(); input.files = ev.dataTransfer.files; show(); });
})();
