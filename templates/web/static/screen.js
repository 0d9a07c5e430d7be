// 大屏：每 8 秒换一组人才；每 5 分钟重新读取页面，显示最新的数据。
(function () {
  setTimeout(function () { window.location.reload(); }, 300000);
  var slides = document.querySelectorAll('.slide');
  if (slides.length < 2) { return; }
  var shown = 0;
  setInterval(function () {
    slides[shown].hidden = true;
    shown = (shown + 1) % slides.length;
    slides[shown].hidden = false;
  }, 8000);
})();
