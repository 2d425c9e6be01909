
(function(){
 var errs=[];
 window.addEventListener('error',function(e){
  var t=e.target&&e.target!==window?(e.target.tagName||'')+' '+(e.target.id||''):'';
  errs.push(String(e.message||('load error '+t)));
  document.documentElement.setAttribute('data-errors',errs.join(' | '));},true);
 window.addEventListener('load',function(){
  var out=[],imgs=document.querySelectorAll('img.chart');
  for(var i=0;i<imgs.length;i++){
   var im=imgs[i],r={id:im.id,complete:im.complete,w:im.naturalWidth,h:im.naturalHeight,ink:-1};
   try{var c=document.createElement('canvas');c.width=160;c.height=160;
    var g=c.getContext('2d');g.fillStyle='#fff';g.fillRect(0,0,160,160);g.drawImage(im,0,0,160,160);
    var d=g.getImageData(0,0,160,160).data,k=0;
    for(var j=0;j<d.length;j+=4){if(d[j]+d[j+1]+d[j+2]<720)k++;}
    r.ink=k/(160*160);}catch(x){r.ink=-1;}
   out.push(r);}
  document.body.setAttribute('data-images',JSON.stringify(out));
  document.body.setAttribute('data-svgs',String(document.querySelectorAll('svg').length));
  document.body.setAttribute('data-ready','1');});
})();
