// jQuery 3 ships no types and @types/jquery is not installed; the example
// uses it only through Spine controllers, so a loose declaration is enough.
declare module "jquery" {
  const jQuery: any;
  export = jQuery;
}
