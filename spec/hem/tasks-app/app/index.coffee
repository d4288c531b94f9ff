Spine = require('spine')
Atmos = require('atmos2')
require('atmos2/dist/atmos2-live.es5') # gives every Atmos instance atmos.live
Task  = require('models/task')

# The Hem spec's app: atmos2 set up as its README says, and the calls the
# spec makes, written the CoffeeScript way.
class App
  constructor: (apiBase) ->
    @atmos = new Atmos()
    rc = @atmos.resourceClient
    rc.base = apiBase
    rc.routes =
      Task:
        index:  "GET /tasks"
        create: "POST /tasks"
        update: "PUT /tasks/:id"
        delete: "DELETE /tasks/:id"
    rc.addHeader "Authorization", "Bearer hem-spec-token"
    @loaded = Task.sync() # local records only: no request

  addTask: (title) ->
    task = new Task(title: title, done: false)
    task.save(remote: true)
    task

  rename: (id, title) ->
    task = Task.find(id)
    task.title = title
    task.save(remote: true)
    task

  tasks: ->
    ({ id: task.id, title: task.title, state: task.syncState() } for task in Task.all())

module.exports = App
