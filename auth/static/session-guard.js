// When the session ends (logout elsewhere, idle timeout, convention revoked or expired),
// Dash's requests get 401: reload the page so that the server shows the login page and why.
(function () {
  "use strict";
  var originalFetch = window.fetch.bind(window);
  var reloading = false;
  window.fetch = function () {
    return originalFetch.apply(null, arguments).then(function (response) {
      if ((response.status === 401 || response.status === 403) && !reloading) {
        reloading = true;
        window.location.reload();
      }
      return response;
    });
  };
})();
