Spine = require('spine')
require('atmos2') # registers Spine.Model.Atmosphere

class Task extends Spine.Model
  @configure 'Task', 'title', 'done'
  @extend Spine.Model.Atmosphere

module.exports = Task
