// Drive Code for America's node-open311 client (npm "open311" 0.0.12) against a live Hamyar.
// Usage: node node-open311-check.js http://127.0.0.1:8000/open311/v2/ demo-open311-key
// Exits 0 when every call the library offers succeeded and answered sensibly, 1 otherwise.
var assert = require('assert');
var Open311 = require('open311');

var endpoint = process.argv[2] || 'http://127.0.0.1:8000/open311/v2/';
var apiKey = process.argv[3] || 'demo-open311-key';
var city = new Open311({endpoint: endpoint, apiKey: apiKey, jurisdiction: 'hamyar', format: 'json'});

function step(name, fn) {
  return new Promise(function (resolve, reject) {
    fn(function (err, data) {
      if (err) { reject(new Error(name + ': ' + JSON.stringify(data))); return; }
      try { console.log('ok  ' + name + ' ' + summary(data)); resolve(data); }
      catch (e) { reject(e); }
    });
  });
}

function summary(data) {
  var text = JSON.stringify(data);
  return text.length > 110 ? text.slice(0, 110) + '…' : text;
}

step('serviceList', function (cb) { city.serviceList(cb); })
  .then(function (services) {
    assert(services.length > 0);
    assert(services.some(function (s) { return s.service_code === 'municipality.report.roads_potholes'; }));
    return step('serviceDefinition', function (cb) {
      city.serviceDefinition('municipality.report.roads_potholes', cb);
    });
  })
  .then(function (definition) {
    assert(Array.isArray(definition.attributes));
    return step('submitRequest', function (cb) {
      city.submitRequest({
        service_code: 'municipality.report.roads_potholes', lat: 35.6125, long: 51.3932,
        description: 'چاله بزرگ وسط خیابان', email: 'node.client@example.org',
        attributes: {landmark: 'روبروی نانوایی', hazard: 'true'}
      }, cb);
    });
  })
  .then(function (answer) {
    var id = answer[0].service_request_id;
    assert(id, 'no service_request_id');
    return step('serviceRequest', function (cb) { city.serviceRequest(id, cb); })
      .then(function (requests) {
        assert.strictEqual(requests[0].service_request_id, id);
        assert.strictEqual(requests[0].status, 'open');
        assert(JSON.stringify(requests).indexOf('node.client@example.org') === -1, 'contact leaked');
        return step('serviceRequests', function (cb) {
          city.serviceRequests({status: 'open', service_code: 'municipality.report.roads_potholes'}, cb);
        });
      });
  })
  .then(function (requests) {
    assert(requests.length > 0);
    console.log('node-open311: all calls passed');
  })
  .catch(function (err) { console.error('FAILED ' + err.message); process.exit(1); });
