// The "share my location" page (templates/web/checkin_location.html): asks the browser, then posts.
document.getElementById("ask").addEventListener("click", function () {
  var form = document.getElementById("share"), problem = document.getElementById("problem");
  if (!navigator.geolocation) { problem.textContent = problem.dataset.unsupported; problem.hidden = false; return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.choice.value = "share";
    form.latitude.value = pos.coords.latitude;
    form.longitude.value = pos.coords.longitude;
    form.submit();
  }, function () {
    problem.textContent = problem.dataset.declined;
    problem.hidden = false;
  }, {enableHighAccuracy: true, timeout: 15000});
});
